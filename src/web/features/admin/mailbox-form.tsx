import { type FormEvent, type ReactNode, useState } from 'react';
import type { MailboxDto } from '../../../shared/contracts/mailboxes.ts';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { focusSoon } from '../../ui/focus.ts';
import { isConflict } from '../cases/conflict.tsx';
import { ImapFields, Input, OptionFields, SmtpFields } from './mailbox-connections.tsx';
import { bodyOf, draftOf, INBOUND, type Names, patchOf } from './mailbox-draft.ts';
import { FieldAt, FormProblem } from './sla-shared.tsx';

/** Every pointer a control shows its own problem under; anything else is named in the form's problem. */
const PLACED = [
  ...['address', 'displayName', 'signature', 'teamId', 'departmentId', 'categoryId', 'firstResponseMinutes'],
  ...['host', 'port', 'user', 'password', 'folder', 'processedFolder'].map((k) => `imap/${k}`),
  ...['host', 'port', 'user', 'password'].map((k) => `smtp/${k}`),
  ...['threadBySubjectDays', 'closedReply', 'caseType', 'senderRateLimit'].map((k) => `options/${k}`),
].map((k) => `/body/${k}`);

/** One mailbox: its address and where its cases go, how mail comes in and goes out, its options. */
export function MailboxEditor({
  mailbox,
  names,
  health,
  reload,
  onSaved,
}: {
  mailbox: MailboxDto | null;
  names: Names;
  /** The mailbox's health as the list shows it (refreshed with the list). */
  health?: ReactNode;
  reload(): Promise<void>;
  onSaved(path: string, message: string): void;
}) {
  const t = useT();
  // What the form was filled from, with its version for If-Match: the list refreshing underneath
  // (every 30 s, for health) does not move it.
  const [saved, setSaved] = useState(mailbox);
  const [d, setD] = useState(() => draftOf(mailbox));
  const [error, setError] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState(false);
  const saving = useSubmit();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = saved ? patchOf(saved, d) : bodyOf(d);
    if (saved && !Object.keys(body).length) {
      onSaved(`/admin/mail/mailboxes/${saved.id}`, t('mailboxes.nothingChanged'));
      return;
    }
    const ok = await attempt(
      () =>
        saving.run(async (send) => {
          const out = saved
            ? await send<MailboxDto>('PATCH', `/mailboxes/${saved.id}`, body, {
                headers: { 'if-match': `"${saved.version}"` },
              })
            : await send<MailboxDto>('POST', '/mailboxes', body);
          // Filled again from what was saved: the passwords typed leave the page.
          setSaved(out);
          setD(draftOf(out));
          await reload();
          onSaved(`/admin/mail/mailboxes/${out.id}`, t('mailboxes.saved', { address: out.address }));
          if (!saved) go(`/admin/mail/mailboxes/${out.id}`);
        }),
      (problem) => {
        // Changed by someone else meanwhile (412): said as such, with a way to reload, as the case page does.
        const stale = isConflict(problem);
        setConflict(stale);
        setError(stale ? null : problem);
      },
    );
    if (!ok) focusSoon('.mail-admin [aria-invalid="true"], #sla-form-problem, .mail-admin .conflict button');
  };
  const reloadFresh = async () => {
    if (!saved) return;
    const fresh = await api<MailboxDto>('GET', `/mailboxes/${saved.id}`);
    setSaved(fresh);
    setD(draftOf(fresh));
    setConflict(false);
    await reload();
  };
  const select = (
    label: string,
    key: 'teamId' | 'departmentId' | 'categoryId',
    options: { id: string; name: string }[],
  ) => (
    <FieldAt label={label} at={`/body/${key}`} error={error}>
      {(p) => (
        <select {...p} value={d[key]} onChange={(e) => setD({ ...d, [key]: e.target.value })}>
          <option value="">—</option>
          {options.map((x) => (
            <option key={x.id} value={x.id} data-i18n-skip>
              {x.name}
            </option>
          ))}
        </select>
      )}
    </FieldAt>
  );
  const categories = names.categories
    .filter((c) => c.active || c.id === d.categoryId)
    .map((c) => ({ id: c.id, name: c.path }));

  return (
    <form
      onSubmit={save}
      aria-label={mailbox ? t('mailboxes.edit', { address: mailbox.address }) : t('mailboxes.new')}
      noValidate
    >
      {mailbox ? <h2 data-i18n-skip>{mailbox.address}</h2> : <h2>{t('mailboxes.new')}</h2>}
      {health}
      <div className="row">
        <div className="grow">
          <Input
            label={t('mailboxes.address')}
            at="/body/address"
            error={error}
            type="email"
            autoComplete="off"
            value={d.address}
            onValue={(v) => setD({ ...d, address: v })}
          />
        </div>
        <div className="grow">
          <Input
            label={t('mailboxes.displayName')}
            at="/body/displayName"
            error={error}
            hint={t('mailboxes.displayNameHint')}
            value={d.displayName}
            onValue={(v) => setD({ ...d, displayName: v })}
          />
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={d.active}
            onChange={(e) => setD({ ...d, active: e.target.checked })}
          />
          {t('mailboxes.inUse')}
        </label>
      </div>
      <FieldAt
        label={t('mailboxes.signature')}
        at="/body/signature"
        error={error}
        hint={t('mailboxes.signatureHint')}
      >
        {(p) => (
          <textarea
            {...p}
            rows={2}
            data-i18n-skip
            value={d.signature}
            onChange={(e) => setD({ ...d, signature: e.target.value })}
          />
        )}
      </FieldAt>

      <fieldset>
        <legend>{t('mailboxes.routing')}</legend>
        <div className="row">
          {select(t('mailboxes.team'), 'teamId', names.teams)}
          {select(t('mailboxes.department'), 'departmentId', names.departments)}
          {select(t('mailboxes.category'), 'categoryId', categories)}
          <Input
            label={t('mailboxes.firstResponse')}
            at="/body/firstResponseMinutes"
            error={error}
            hint={t('mailboxes.firstResponseHint')}
            type="number"
            className="narrow"
            min={1}
            value={d.firstResponseMinutes}
            onValue={(v) => setD({ ...d, firstResponseMinutes: v })}
          />
        </div>
      </fieldset>

      <fieldset>
        <legend>{t('mailboxes.inbound')}</legend>
        {INBOUND.map((v) => (
          <label key={v} className="check">
            <input
              type="radio"
              name="inbound"
              value={v}
              checked={d.inbound === v}
              onChange={() => setD({ ...d, inbound: v })}
            />
            {t(`mailboxes.inboundMode.${v}`)}
          </label>
        ))}
      </fieldset>
      {d.inbound === 'imap' && <ImapFields d={d} setD={setD} error={error} saved={saved} />}
      <SmtpFields d={d} setD={setD} error={error} saved={saved} />
      <OptionFields d={d} setD={setD} error={error} />

      <FormProblem error={error} placed={PLACED} />
      {conflict && (
        <div role="alert" className="warn conflict">
          <p>{t('mailboxes.conflict')}</p>
          <button type="button" onClick={() => void reloadFresh()}>
            {t('mailboxes.reload')}
          </button>
        </div>
      )}
      <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
        {mailbox ? t('mailboxes.save') : t('mailboxes.add')}
      </button>
    </form>
  );
}
