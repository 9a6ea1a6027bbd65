import type { InputHTMLAttributes } from 'react';
import type { MailboxDto } from '../../../shared/contracts/mailboxes.ts';
import type { ApiError } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { CLOSED_REPLY, type Draft } from './mailbox-draft.ts';
import { FieldAt, typeOptions } from './sla-shared.tsx';

type Part = { d: Draft; setD(d: Draft): void; error: ApiError | null };

/** A labelled text input whose API problem (found by its pointer) shows under it. */
export function Input({
  label,
  at,
  error,
  hint,
  value,
  onValue,
  ...rest
}: {
  label: string;
  at: string;
  error: ApiError | null;
  hint?: string;
  value: string;
  onValue(v: string): void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'id'>) {
  return (
    <FieldAt label={label} at={at} error={error} {...(hint ? { hint } : {})}>
      {(p) => <input {...rest} {...p} value={value} onChange={(e) => onValue(e.target.value)} />}
    </FieldAt>
  );
}

/** Write-only: whether one is stored is said; what is typed is sent, and nothing when left empty. */
function Password({
  label,
  at,
  error,
  isSet,
  value,
  onValue,
}: {
  label: string;
  at: string;
  error: ApiError | null;
  isSet: boolean;
  value: string;
  onValue(v: string): void;
}) {
  const t = useT();
  return (
    <Input
      label={label}
      at={at}
      error={error}
      hint={isSet ? t('mailboxes.passwordIsSet') : t('mailboxes.passwordNotSet')}
      type="password"
      autoComplete="new-password"
      value={value}
      onValue={onValue}
    />
  );
}

/** Where an IMAP mailbox is fetched from, and the folder stored mail is moved to (never deleted). */
export function ImapFields({ d, setD, error, saved }: Part & { saved: MailboxDto | null }) {
  const t = useT();
  const set = (k: keyof Draft['imap'], v: string | boolean) => setD({ ...d, imap: { ...d.imap, [k]: v } });
  return (
    <fieldset>
      <legend>{t('mailboxes.imap')}</legend>
      <div className="row">
        <div className="grow">
          <Input
            label={t('mailboxes.imapHost')}
            at="/body/imap/host"
            error={error}
            value={d.imap.host}
            onValue={(v) => set('host', v)}
          />
        </div>
        <Input
          label={t('mailboxes.imapPort')}
          at="/body/imap/port"
          error={error}
          type="number"
          className="narrow"
          value={d.imap.port}
          onValue={(v) => set('port', v)}
        />
        <div className="grow">
          <Input
            label={t('mailboxes.imapUser')}
            at="/body/imap/user"
            error={error}
            autoComplete="off"
            value={d.imap.user}
            onValue={(v) => set('user', v)}
          />
        </div>
        <div className="grow">
          <Password
            label={t('mailboxes.imapPassword')}
            at="/body/imap/password"
            error={error}
            isSet={Boolean(saved?.imap?.hasPassword)}
            value={d.imap.password}
            onValue={(v) => set('password', v)}
          />
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={d.imap.tls} onChange={(e) => set('tls', e.target.checked)} />
        {t('mailboxes.imapTls')}
      </label>
      <div className="row">
        <div className="grow">
          <Input
            label={t('mailboxes.folder')}
            at="/body/imap/folder"
            error={error}
            hint={t('mailboxes.folderHint')}
            value={d.imap.folder}
            onValue={(v) => set('folder', v)}
          />
        </div>
        <div className="grow">
          <Input
            label={t('mailboxes.processedFolder')}
            at="/body/imap/processedFolder"
            error={error}
            hint={t('mailboxes.processedFolderHint')}
            value={d.imap.processedFolder}
            onValue={(v) => set('processedFolder', v)}
          />
        </div>
      </div>
    </fieldset>
  );
}

/** The mailbox's own outgoing server; none: the server's SMTP_URL sends its mail. */
export function SmtpFields({ d, setD, error, saved }: Part & { saved: MailboxDto | null }) {
  const t = useT();
  const set = (k: keyof Draft['smtp'], v: string | boolean) => setD({ ...d, smtp: { ...d.smtp, [k]: v } });
  return (
    <fieldset>
      <legend>{t('mailboxes.smtp')}</legend>
      <p className="hint">{t('mailboxes.smtpHint')}</p>
      <div className="row">
        <div className="grow">
          <Input
            label={t('mailboxes.smtpHost')}
            at="/body/smtp/host"
            error={error}
            value={d.smtp.host}
            onValue={(v) => set('host', v)}
          />
        </div>
        <Input
          label={t('mailboxes.smtpPort')}
          at="/body/smtp/port"
          error={error}
          type="number"
          className="narrow"
          value={d.smtp.port}
          onValue={(v) => set('port', v)}
        />
        <div className="grow">
          <Input
            label={t('mailboxes.smtpUser')}
            at="/body/smtp/user"
            error={error}
            autoComplete="off"
            value={d.smtp.user}
            onValue={(v) => set('user', v)}
          />
        </div>
        <div className="grow">
          <Password
            label={t('mailboxes.smtpPassword')}
            at="/body/smtp/password"
            error={error}
            isSet={Boolean(saved?.smtp?.hasPassword)}
            value={d.smtp.password}
            onValue={(v) => set('password', v)}
          />
        </div>
      </div>
      <label className="check">
        <input type="checkbox" checked={d.smtp.tls} onChange={(e) => set('tls', e.target.checked)} />
        {t('mailboxes.smtpTls')}
      </label>
    </fieldset>
  );
}

/** Threading, replies to closed cases, acknowledgements, the type of case opened, loop protection. */
export function OptionFields({ d, setD, error }: Part) {
  const t = useT();
  return (
    <fieldset>
      <legend>{t('mailboxes.options')}</legend>
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            checked={d.threadBySubject}
            onChange={(e) => setD({ ...d, threadBySubject: e.target.checked })}
          />
          {t('mailboxes.threadBySubject')}
        </label>
        <Input
          label={t('mailboxes.threadDays')}
          at="/body/options/threadBySubjectDays"
          error={error}
          type="number"
          className="narrow"
          min={1}
          max={90}
          disabled={!d.threadBySubject}
          value={d.threadDays}
          onValue={(v) => setD({ ...d, threadDays: v })}
        />
      </div>
      <div className="row">
        <FieldAt label={t('mailboxes.closedReply')} at="/body/options/closedReply" error={error}>
          {(p) => (
            <select
              {...p}
              value={d.closedReply}
              onChange={(e) => setD({ ...d, closedReply: e.target.value as Draft['closedReply'] })}
            >
              {CLOSED_REPLY.map((v) => (
                <option key={v} value={v}>
                  {t(`mailboxes.closedReplyMode.${v}`)}
                </option>
              ))}
            </select>
          )}
        </FieldAt>
        <FieldAt label={t('mailboxes.caseType')} at="/body/options/caseType" error={error}>
          {(p) => (
            <select
              {...p}
              value={d.caseType}
              onChange={(e) => setD({ ...d, caseType: e.target.value as Draft['caseType'] })}
            >
              {typeOptions().map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </FieldAt>
        <Input
          label={t('mailboxes.senderRateLimit')}
          at="/body/options/senderRateLimit"
          error={error}
          hint={t('mailboxes.senderRateLimitHint')}
          type="number"
          className="narrow"
          min={1}
          max={1000}
          value={d.senderRateLimit}
          onValue={(v) => setD({ ...d, senderRateLimit: v })}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={d.acknowledge}
          onChange={(e) => setD({ ...d, acknowledge: e.target.checked })}
        />
        {t('mailboxes.acknowledge')}
      </label>
    </fieldset>
  );
}
