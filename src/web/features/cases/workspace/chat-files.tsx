import { CHAT_FILES } from '../../../../shared/contracts/chat.ts';
import type { MessageDto, MessageUploadDto } from '../../../../shared/contracts/messages.ts';
import { useT } from '../../../i18n/index.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import { fileSize, UploadedFiles, UploadingStatus, useCaseUploads } from './case-uploads.tsx';

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
  const { picker, choose, uploading, error } = useCaseUploads(caseId, files, onChange, (file, current) => {
    if (current.length >= CHAT_FILES.perMessage)
      return { error: t('thread.mail.tooManyFiles', { count: CHAT_FILES.perMessage }), stop: true };
    if (!allowed(file.name)) return { error: t('chat.fileType', { name: file.name }) };
    if (file.size > CHAT_FILES.maxBytes) {
      const limit = fileSize(CHAT_FILES.maxBytes);
      return { error: t('thread.mail.fileTooLarge', { name: file.name, size: fileSize(file.size), limit }) };
    }
    return null;
  });
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
      <UploadingStatus name={uploading} />
      <UploadedFiles files={files} onRemove={(id) => onChange(files.filter((x) => x.id !== id))} />
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
