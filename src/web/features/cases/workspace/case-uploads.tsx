import { useRef, useState } from 'react';
import type { MessageUploadDto } from '../../../../shared/contracts/messages.ts';
import { api } from '../../../app/api.ts';
import { useT } from '../../../i18n/index.ts';

export const fileSize = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** A file refused before upload: the words, and whether the rest of the choice is skipped too. */
export type UploadRefusal = { error: string; stop?: boolean } | null;

/**
 * Files chosen for a case's next message, each uploaded as it is chosen (`POST
 * /cases/:id/message-uploads`; the same file again is the first upload), in the order chosen.
 * `check` refuses a file before it goes (the channel's count, size and kinds).
 */
export function useCaseUploads(
  caseId: string,
  files: MessageUploadDto[],
  setFiles: (next: MessageUploadDto[]) => void,
  check: (file: File, current: MessageUploadDto[]) => UploadRefusal,
) {
  const picker = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(files);
  latest.current = files;
  const choose = async (list: FileList | null) => {
    setError(null);
    for (const file of Array.from(list ?? [])) {
      const refused = check(file, latest.current);
      if (refused) {
        setError(refused.error);
        if (refused.stop) break;
        continue;
      }
      setUploading(file.name);
      try {
        const up = await api<MessageUploadDto>('POST', `/cases/${caseId}/message-uploads`, file, {
          headers: { 'x-filename': encodeURIComponent(file.name) },
          // A large file on a slow line: longer than a form's wait.
          timeoutMs: 180_000,
        });
        // The same file chosen twice is one upload (the server answers with the first).
        if (!latest.current.some((f) => f.id === up.id)) setFiles([...latest.current, up]);
      } catch (e) {
        setError(e);
        break;
      } finally {
        setUploading(null);
      }
    }
    if (picker.current) picker.current.value = '';
  };
  return { picker, choose, uploading, error };
}

/** "Uploading …" beside the attach button, read out as it changes. */
export function UploadingStatus({ name }: { name: string | null }) {
  const t = useT();
  return (
    <span className="muted small" aria-live="polite">
      {name !== null && (
        <>
          {t('thread.mail.uploading')} <span data-i18n-skip>{name}</span>
        </>
      )}
    </span>
  );
}

/** The files uploaded for the next message, each with its size and a button that takes it off. */
export function UploadedFiles({
  files,
  onRemove,
}: {
  files: MessageUploadDto[];
  onRemove: (id: string) => void;
}) {
  const t = useT();
  if (!files.length) return null;
  return (
    <ul className="files" aria-label={t('thread.mail.attachments')}>
      {files.map((f) => (
        <li key={f.id}>
          <span data-i18n-skip>{f.filename}</span>{' '}
          <span className="muted small" data-i18n-skip>
            {fileSize(f.size)}
          </span>{' '}
          <button
            type="button"
            className="link small"
            aria-label={t('thread.mail.removeFile', { name: f.filename })}
            onClick={() => onRemove(f.id)}
          >
            {t('thread.mail.remove')}
          </button>
        </li>
      ))}
    </ul>
  );
}
