import { useRef } from 'react';
import type { MessageRecipientsDto, MessageUploadDto } from '../../../../shared/contracts/messages.ts';
import { ApiError } from '../../../app/api.ts';
import { useT } from '../../../i18n/index.ts';
import { FieldWords, ProblemText } from '../../../ui/problem.tsx';
import { fileSize, UploadedFiles, UploadingStatus, useCaseUploads } from './case-uploads.tsx';

type Address = { address: string; name: string | null };
const address = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);
/** The server checks each address too (format: email); this catches the obvious at once. */
const EMAIL = /^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$/;

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
  const { limits } = recipients;

  const badCc = badAddresses(extras.cc);
  // The server's words for a CC it refused (/body/cc/2 is the third address typed).
  const serverCc =
    error instanceof ApiError
      ? (error.problem.errors ?? []).filter((e) => e.field.startsWith('/body/cc'))
      : [];
  const typed = ccList(extras.cc);

  // The CC typed while a file uploads is kept: the files change on the extras as they are now.
  const latest = useRef(extras);
  latest.current = extras;
  const setFiles = (files: MessageUploadDto[]) => onChange({ ...latest.current, files });
  const {
    picker,
    choose,
    uploading,
    error: fileError,
  } = useCaseUploads(caseId, extras.files, setFiles, (file, current) => {
    if (current.length >= limits.files)
      return { error: t('thread.mail.tooManyFiles', { count: limits.files }), stop: true };
    if (file.size > limits.fileBytes)
      return {
        error: t('thread.mail.fileTooLarge', {
          name: file.name,
          size: fileSize(file.size),
          limit: fileSize(limits.fileBytes),
        }),
      };
    if (current.reduce((n, f) => n + f.size, 0) + file.size > limits.totalBytes)
      return { error: t('thread.mail.filesTooLarge', { limit: fileSize(limits.totalBytes) }) };
    return null;
  });

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
        <UploadingStatus name={uploading} />
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
      <UploadedFiles
        files={extras.files}
        onRemove={(id) => onChange({ ...extras, files: extras.files.filter((x) => x.id !== id) })}
      />
      {fileError ? (
        <p role="alert" className="error small">
          <ProblemText error={fileError} />
        </p>
      ) : null}
    </div>
  );
}
