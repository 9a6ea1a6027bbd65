import { useId, useState } from 'react';
import { ApiError, fieldWords } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import type { AttachmentDto } from './types.ts';

/** The server refuses larger files (kb_attachment.too_large); checked here first to spare the upload. */
const MAX_BYTES = 5 * 1024 * 1024;
/** Sizes in the reader's own numbers (Intl): "5.0" MB, "12" KB. */
const MB = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const KB = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A file's bytes as base64, in slices: one String.fromCharCode call over 5 MB would overflow the stack. */
async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The problem in the reader's words, to go inside the catalogue's sentence about the file. */
const problemText = (e: ApiError) =>
  e.problem.errors?.length
    ? e.problem.errors.map((f) => `${f.field.split('/').pop()} ${fieldWords(f).text}`).join('; ')
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
  const t = useT();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const uploading = useSubmit();
  const hintId = useId();
  const upload = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setError(null);
    if (file.size > MAX_BYTES) {
      setError(t('kbAttachments.tooLarge', { name: file.name, size: MB.format(file.size / 1024 / 1024) }));
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
      setError(
        e instanceof ApiError ? t('kbAttachments.failed', { name: file.name, problem: problemText(e) }) : e,
      );
    } finally {
      setBusy(null);
      input.value = '';
    }
  };
  if (!items.length && !canAttach) return null;
  return (
    <section aria-label={t('kbAttachments.region')} className="kb-attachments">
      <h2>{t('kbAttachments.title')}</h2>
      {items.length > 0 ? (
        <ul aria-label={t('kbAttachments.list')}>
          {items.map((f) => (
            <li key={f.id}>
              <a href={`/api/v1/kb/attachments/${f.id}`} data-i18n-skip>
                {f.filename}
              </a>{' '}
              {t('kbAttachments.size', { size: KB.format(Math.ceil(f.size / 1024)) })}
              {f.pending && <span className="badge">{t('kbAttachments.pending')}</span>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">{t('kbAttachments.none')}</p>
      )}
      {canAttach && (
        <>
          <label>
            {t('kbAttachments.attach')}
            <input
              type="file"
              aria-describedby={hintId}
              disabled={busy !== null}
              onChange={(e) => void upload(e.currentTarget)}
            />
          </label>
          <p className="hint" id={hintId}>
            {t('kbAttachments.hint')}
          </p>
          {busy && (
            <p role="status" className="hint">
              {t('kbAttachments.uploading', { name: busy })}
            </p>
          )}
          {error ? (
            // The catalogue's sentence, with the file's name and the problem (in the reader's words) put in.
            <p role="alert" className="error">
              <ProblemText error={error} />
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
