import { useId, useState } from 'react';
import { ApiError } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import type { AttachmentDto } from './types.ts';

/** The server refuses larger files (kb_attachment.too_large); checked here first to spare the upload. */
const MAX_BYTES = 5 * 1024 * 1024;
/** Shown in the browser by the server; every other type is sent as a download. */
const INLINE = 'PNG, JPEG, GIF and WebP';

/** A file's bytes as base64, in slices: one String.fromCharCode call over 5 MB would overflow the stack. */
async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const problemText = (e: ApiError) =>
  e.problem.errors?.length
    ? e.problem.errors.map((f) => `${f.field.split('/').pop()} ${f.message}`).join('; ')
    : e.message;

/**
 * An article's attachments, each a link to download (images open in the browser), and for writers
 * a file input. A file goes through review like the text: it joins the open draft and readers (and
 * the public help pages) see it once that version is approved.
 */
export function Attachments({
  articleId,
  items,
  canAttach,
  onAdded,
}: {
  articleId: string;
  items: AttachmentDto[];
  canAttach: boolean;
  onAdded(a: AttachmentDto): void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const uploading = useSubmit();
  const hintId = useId();
  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    if (file.size > MAX_BYTES) {
      setError(`${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; the limit is 5 MB.`);
      input.value = '';
      return;
    }
    setBusy(file.name);
    try {
      // Choosing the same file again after a failure repeats the upload, never doubles it.
      await uploading.run(async (send) => {
        const added = await send<AttachmentDto>('POST', `/kb/articles/${articleId}/attachments`, {
          filename: file.name,
          // The browser leaves the type empty when it does not know it; parameters are not accepted.
          contentType: file.type.split(';')[0]!.trim() || 'application/octet-stream',
          dataBase64: await base64Of(file),
        });
        onAdded(added);
      });
    } catch (e) {
      setError(e instanceof ApiError ? `${file.name}: ${problemText(e)}` : String(e));
    } finally {
      setBusy(null);
      input.value = '';
    }
  };
  if (!items.length && !canAttach) return null;
  return (
    <section aria-label="Attachments" className="kb-attachments">
      <h2>Attachments</h2>
      {items.length > 0 ? (
        <ul aria-label="Attached files">
          {items.map((f) => (
            <li key={f.id}>
              <a href={`/api/v1/kb/attachments/${f.id}`}>{f.filename}</a> ({Math.ceil(f.size / 1024)} KB)
              {f.pending && <span className="badge"> awaiting approval</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">No files attached.</p>
      )}
      {canAttach && (
        <>
          <label>
            Attach a file
            <input
              type="file"
              aria-describedby={hintId}
              disabled={busy !== null}
              onChange={(e) => void upload(e.currentTarget)}
            />
          </label>
          <p className="hint" id={hintId}>
            Up to 5 MB. {INLINE} images open in the browser; other files download. The file joins the draft
            and readers see it once that version is approved; it cannot be removed from the desktop.
          </p>
          {busy && (
            <p role="status" className="hint">
              Uploading {busy}…
            </p>
          )}
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </>
      )}
    </section>
  );
}
