import { useRef, useState } from 'react';
import type { MessageRecipientsDto, MessageUploadDto } from '../../../../shared/contracts/messages.ts';
import { ApiError, api } from '../../../app/api.ts';
import { useT } from '../../../i18n/index.ts';
import { FieldWords, ProblemText } from '../../../ui/problem.tsx';

type Address = { address: string; name: string | null };
const address = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);
/** The server checks each address too (format: email); this catches the obvious at once. */
const EMAIL = /^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$/;

export const fileSize = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

/** The addresses typed into the CC field: separated by commas, semicolons or spaces. */
export const ccList = (text: string) => text.split(/[\s,;]+/).filter(Boolean);
/** What was typed into the CC field that is not an address. */
export const badAddresses = (text: string) => ccList(text).filter((a) => !EMAIL.test(a));

/** What the officer adds to a reply by e-mail: more people copied, and files. */
export interface MailExtras {
  cc: string;
  files: MessageUploadDto[];
}

/**
 * The e-mail part of the composer: who the reply goes to (the requester, the followers copied, from
 * which mailbox), a field for more copies, and files — each uploaded when chosen, sent with the reply.
 * `error` is the last refusal of the send: the CC addresses and files it names are marked here.
 */
export function MailCompose({
  caseId,
  recipients,
  extras,
  onChange,
  error,
}: {
  caseId: string;
  recipients: MessageRecipientsDto;
  extras: MailExtras;
  onChange: (next: MailExtras) => void;
  error: unknown;
}) {
  const t = useT();
  const picker = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [fileError, setFileError] = useState<unknown>(null);
  const latest = useRef(extras);
  latest.current = extras;
  const { limits } = recipients;

  const badCc = badAddresses(extras.cc);
  // The server's words for a CC it refused (/body/cc/2 is the third address typed).
  const serverCc =
    error instanceof ApiError
      ? (error.problem.errors ?? []).filter((e) => e.field.startsWith('/body/cc'))
      : [];
  const typed = ccList(extras.cc);

  const choose = async (list: FileList | null) => {
    setFileError(null);
    for (const file of Array.from(list ?? [])) {
      const now = latest.current;
      if (now.files.length >= limits.files) {
        setFileError(t('thread.mail.tooManyFiles', { count: limits.files }));
        break;
      }
      if (file.size > limits.fileBytes) {
        setFileError(
          t('thread.mail.fileTooLarge', {
            name: file.name,
            size: fileSize(file.size),
            limit: fileSize(limits.fileBytes),
          }),
        );
        continue;
      }
      if (now.files.reduce((n, f) => n + f.size, 0) + file.size > limits.totalBytes) {
        setFileError(t('thread.mail.filesTooLarge', { limit: fileSize(limits.totalBytes) }));
        continue;
      }
      setUploading(file.name);
      try {
        const up = await api<MessageUploadDto>('POST', `/cases/${caseId}/message-uploads`, file, {
          headers: { 'x-filename': encodeURIComponent(file.name) },
          // A large file on a slow line: longer than a form's wait.
          timeoutMs: 180_000,
        });
        const cur = latest.current;
        // The same file chosen twice is one upload (the server answers with the first).
        if (!cur.files.some((f) => f.id === up.id)) onChange({ ...cur, files: [...cur.files, up] });
      } catch (e) {
        setFileError(e);
        break;
      } finally {
        setUploading(null);
      }
    }
    if (picker.current) picker.current.value = '';
  };

  const ccInvalid = badCc.length > 0 || serverCc.length > 0;
  return (
    <div className="mail-compose">
      <p className="small recipients">
        {recipients.to ? (
          <>
            {t('thread.mail.to')} <span data-i18n-skip>{address(recipients.to)}</span>
          </>
        ) : (
          t('thread.mail.noAddress')
        )}
        {recipients.cc.length > 0 && (
          <>
            {' · '}
            {t('thread.mail.followersCopied')}{' '}
            <span data-i18n-skip>{recipients.cc.map(address).join(', ')}</span>
          </>
        )}
        {recipients.from && (
          <>
            {' · '}
            {t('thread.mail.sentFrom')} <span data-i18n-skip>{recipients.from.address}</span>
          </>
        )}
      </p>
      <div className="row">
        <label className="inline cc">
          {t('thread.mail.alsoCopy')}{' '}
          <input
            type="text"
            inputMode="email"
            autoComplete="off"
            spellCheck={false}
            value={extras.cc}
            placeholder={t('thread.mail.ccPlaceholder')}
            aria-invalid={ccInvalid || undefined}
            aria-describedby={ccInvalid ? 'composer-cc-problem' : undefined}
            onChange={(e) => onChange({ ...extras, cc: e.target.value })}
          />
        </label>
        <input
          ref={picker}
          id="composer-files"
          type="file"
          multiple
          className="sr-only"
          // The button below opens it; one control in the tab order, not two.
          tabIndex={-1}
          aria-label={t('thread.mail.attach')}
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
      </div>
      {ccInvalid && (
        <p id="composer-cc-problem" className="error small">
          {badCc.length > 0 ? (
            <>
              {t('thread.mail.notAnAddress')} <span data-i18n-skip>{badCc.join(', ')}</span>
            </>
          ) : (
            serverCc.map((e) => (
              <span key={e.field}>
                <span data-i18n-skip>{typed[Number(e.field.split('/').pop())] ?? ''}</span>{' '}
                <FieldWords error={e} />{' '}
              </span>
            ))
          )}
        </p>
      )}
      {extras.files.length > 0 && (
        <ul className="files" aria-label={t('thread.mail.attachments')}>
          {extras.files.map((f) => (
            <li key={f.id}>
              <span data-i18n-skip>{f.filename}</span>{' '}
              <span className="muted small" data-i18n-skip>
                {fileSize(f.size)}
              </span>{' '}
              <button
                type="button"
                className="link small"
                aria-label={t('thread.mail.removeFile', { name: f.filename })}
                onClick={() => onChange({ ...extras, files: extras.files.filter((x) => x.id !== f.id) })}
              >
                {t('thread.mail.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {fileError ? (
        <p role="alert" className="error small">
          <ProblemText error={fileError} />
        </p>
      ) : null}
    </div>
  );
}
