import { useRef, useState } from 'react';
import { CHAT_FILES } from '../../../../shared/contracts/chat.ts';
import type { MessageDto, MessageUploadDto } from '../../../../shared/contracts/messages.ts';
import { api } from '../../../app/api.ts';
import { useT } from '../../../i18n/index.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import { fileSize } from './mail-compose.tsx';

const ACCEPT = CHAT_FILES.extensions.map((x) => `.${x}`).join(',');
const allowed = (name: string) =>
  (CHAT_FILES.extensions as readonly string[]).includes(name.split('.').pop()?.toLowerCase() ?? '');

/**
 * Files for the officer's next chat message: each uploaded when chosen (the composer's uploads, so a
 * retry is the same upload), sent with the message. Only what a chat takes can be chosen; the server
 * checks the content again when the message goes.
 */
export function ChatAttach({
  caseId,
  files,
  onChange,
}: {
  caseId: string;
  files: MessageUploadDto[];
  onChange: (next: MessageUploadDto[]) => void;
}) {
  const t = useT();
  const picker = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(files);
  latest.current = files;
  const choose = async (list: FileList | null) => {
    setError(null);
    for (const file of Array.from(list ?? [])) {
      if (latest.current.length >= CHAT_FILES.perMessage) {
        setError(t('thread.mail.tooManyFiles', { count: CHAT_FILES.perMessage }));
        break;
      }
      if (!allowed(file.name)) {
        setError(t('chat.fileType', { name: file.name }));
        continue;
      }
      if (file.size > CHAT_FILES.maxBytes) {
        const limit = fileSize(CHAT_FILES.maxBytes);
        setError(t('thread.mail.fileTooLarge', { name: file.name, size: fileSize(file.size), limit }));
        continue;
      }
      setUploading(file.name);
      try {
        const up = await api<MessageUploadDto>('POST', `/cases/${caseId}/message-uploads`, file, {
          headers: { 'x-filename': encodeURIComponent(file.name) },
          timeoutMs: 180_000,
        });
        if (!latest.current.some((f) => f.id === up.id)) onChange([...latest.current, up]);
      } catch (e) {
        setError(e);
        break;
      } finally {
        setUploading(null);
      }
    }
    if (picker.current) picker.current.value = '';
  };
  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        accept={ACCEPT}
        // The button opens it: one control, for the keyboard and for screen readers.
        style={{ display: 'none' }}
        onChange={(e) => void choose(e.target.files)}
      />
      <button
        type="button"
        className="secondary small"
        disabled={uploading !== null}
        aria-busy={uploading !== null}
        onClick={() => picker.current?.click()}
      >
        {t('thread.mail.attach')}
      </button>
      <span className="muted small" aria-live="polite">
        {uploading !== null && (
          <>
            {t('thread.mail.uploading')} <span data-i18n-skip>{uploading}</span>
          </>
        )}
      </span>
      {files.length > 0 && (
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
                onClick={() => onChange(files.filter((x) => x.id !== f.id))}
              >
                {t('thread.mail.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error !== null && (
        <p role="alert" className="error small">
          <ProblemText error={error} />
        </p>
      )}
    </>
  );
}

/** A chat message's files on the thread: a picture shown small, each one a link that downloads it. */
export function ChatFiles({ files }: { files: MessageDto['attachments'] }) {
  const t = useT();
  if (!files.length) return null;
  return (
    <ul className="files chat-files" aria-label={t('thread.mail.attachments')}>
      {files.map((a) =>
        a.url ? (
          <li key={a.id}>
            <a href={a.url} download={a.filename}>
              {/^image\/(png|gif|jpeg|webp)$/.test(a.contentType) && (
                <img className="chat-thumb" src={a.url} alt="" loading="lazy" />
              )}
              <span data-i18n-skip>{a.filename}</span>
            </a>{' '}
            <span className="muted small" data-i18n-skip>
              {fileSize(a.size)}
            </span>
          </li>
        ) : null,
      )}
    </ul>
  );
}
