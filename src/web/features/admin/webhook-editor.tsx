import { type FormEvent, useState } from 'react';
import type { WebhookDto, WebhookWithSecretDto } from '../../../shared/contracts/webhooks.ts';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { focusSoon } from '../../ui/focus.ts';
import { isConflict } from '../cases/conflict.tsx';
import { Input } from './mailbox-connections.tsx';
import { ErrorAt, FieldAt, FormProblem, messagesAt } from './sla-shared.tsx';
import { WebhookActions } from './webhook-actions.tsx';
import { DeliveryLog } from './webhook-deliveries.tsx';
import { bodyOf, type Draft, draftOf, GROUPS, groupOf, patchOf } from './webhook-draft.ts';
import { StatePanel } from './webhook-state.tsx';

/** A signing secret just made (on creation or rotation), shown on its endpoint's page this once. */
export type Revealed = { id: string; secret: string; previousValidUntil?: string };

const PLACED = ['/body/url', '/body/description', '/body/events'];

/** One endpoint: its state, actions (test, switch, secret, delete), its settings and its delivery log. */
export function WebhookEditor({
  webhook,
  events,
  revealed,
  onReveal,
  reload,
  say,
}: {
  /** As the list has it (refreshed with the list): its state; null for a new one. */
  webhook: WebhookDto | null;
  /** The names the server offers. */
  events: string[];
  revealed: Revealed | null;
  onReveal(r: Revealed | null): void;
  reload(): Promise<void>;
  say(path: string, text: string): void;
}) {
  const t = useT();
  // What the form was filled from, with its version for If-Match: the list refreshing underneath
  // does not move it.
  const [saved, setSaved] = useState(webhook);
  const [d, setD] = useState(() => draftOf(webhook));
  const [error, setError] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState(false);
  // Bumped to make the delivery log load again (a test just queued).
  const [logTurn, setLogTurn] = useState(0);
  const saving = useSubmit();

  /** A refusal of a write with If-Match: a 412 is said as such, anything else beside its fields. */
  const refused = (problem: ApiError | null) => {
    const stale = isConflict(problem);
    setConflict(stale);
    setError(stale ? null : problem);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = saved ? patchOf(saved, d) : bodyOf(d);
    if (saved && !Object.keys(body).length) {
      say(`/admin/webhooks/${saved.id}`, t('webhooksAdmin.nothingChanged'));
      return;
    }
    const ok = await attempt(
      () =>
        saving.run(async (send) => {
          if (saved) {
            const out = await send<WebhookDto>('PATCH', `/webhooks/${saved.id}`, body, {
              headers: { 'if-match': `"${saved.version}"` },
            });
            setSaved(out);
            setD(draftOf(out));
            await reload();
            say(`/admin/webhooks/${out.id}`, t('webhooksAdmin.saved'));
            return;
          }
          const out = await send<WebhookWithSecretDto>('POST', '/webhooks', body);
          // The secret goes to the new endpoint's page, the one place it is ever shown.
          onReveal({ id: out.id, secret: out.secret });
          await reload();
          say(`/admin/webhooks/${out.id}`, t('webhooksAdmin.saved'));
          go(`/admin/webhooks/${out.id}`);
          focusSoon('#webhook-secret');
        }),
      refused,
    );
    if (!ok)
      focusSoon(
        '.webhooks-admin form [aria-invalid="true"], .webhooks-admin #sla-form-problem, .webhooks-admin .conflict button',
      );
  };
  const reloadFresh = async () => {
    if (!saved) return;
    const fresh = await api<WebhookDto>('GET', `/webhooks/${saved.id}`);
    setSaved(fresh);
    setD(draftOf(fresh));
    setConflict(false);
    await reload();
  };

  return (
    <>
      {webhook ? <h2 data-i18n-skip>{webhook.url}</h2> : <h2>{t('webhooksAdmin.new')}</h2>}
      {webhook && <StatePanel w={webhook} />}
      {webhook && saved && (
        <WebhookActions
          webhook={webhook}
          saved={saved}
          revealed={revealed}
          onReveal={onReveal}
          onChanged={async (next, text) => {
            setSaved(next);
            await reload();
            if (text) say(`/admin/webhooks/${webhook.id}`, text);
          }}
          onRemoved={async () => {
            onReveal(null);
            await reload();
            // Said on the list's page, where the administrator now is.
            say('/admin/webhooks', t('webhooksAdmin.removed'));
            go('/admin/webhooks');
          }}
          onTested={() => setLogTurn((n) => n + 1)}
          onRefused={refused}
        />
      )}
      <form
        onSubmit={save}
        aria-label={webhook ? t('webhooksAdmin.edit', { url: webhook.url }) : t('webhooksAdmin.new')}
        noValidate
      >
        <div className="row">
          <div className="grow">
            <Input
              label={t('webhooksAdmin.url')}
              at="/body/url"
              error={error}
              hint={t('webhooksAdmin.urlHint')}
              type="url"
              autoComplete="off"
              spellCheck={false}
              value={d.url}
              onValue={(v) => setD({ ...d, url: v })}
            />
          </div>
          <div className="grow">
            <FieldAt
              label={t('webhooksAdmin.description')}
              at="/body/description"
              error={error}
              hint={t('webhooksAdmin.descriptionHint')}
            >
              {(p) => (
                <input
                  {...p}
                  data-i18n-skip
                  value={d.description}
                  onChange={(e) => setD({ ...d, description: e.target.value })}
                />
              )}
            </FieldAt>
          </div>
        </div>
        <EventChoices events={events} d={d} setD={setD} error={error} />
        <FormProblem error={error} placed={PLACED} />
        {conflict && (
          <div role="alert" className="warn conflict">
            <p>{t('webhooksAdmin.conflict')}</p>
            <button type="button" onClick={() => void reloadFresh()}>
              {t('webhooksAdmin.reload')}
            </button>
          </div>
        )}
        <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
          {webhook ? t('webhooksAdmin.save') : t('webhooksAdmin.add')}
        </button>
      </form>
      {webhook && <DeliveryLog webhookId={webhook.id} turn={logTurn} />}
    </>
  );
}

/** Every event, or some of them, grouped by what they are about; the names are the API's. */
function EventChoices({
  events,
  d,
  setD,
  error,
}: {
  events: string[];
  d: Draft;
  setD(d: Draft): void;
  error: ApiError | null;
}) {
  const t = useT();
  const at = '/body/events';
  const errId = 'err--body-events';
  const chosen = new Set(d.events);
  // Names stored that this server no longer offers stay listed, so an edit does not drop them unseen.
  const names = [...events, ...d.events.filter((e) => !events.includes(e))];
  const toggle = (name: string, on: boolean) =>
    setD({ ...d, events: names.filter((n) => (n === name ? on : chosen.has(n))) });
  return (
    <fieldset className="events" aria-describedby={messagesAt(error, at).length ? errId : undefined}>
      <legend>{t('webhooksAdmin.events')}</legend>
      <label className="check">
        <input type="checkbox" checked={d.all} onChange={(e) => setD({ ...d, all: e.target.checked })} />
        {t('webhooksAdmin.everyEvent')}
      </label>
      {!d.all && (
        <div className="event-groups">
          {GROUPS.map((g) => {
            const inGroup = names.filter((n) => groupOf(n) === g);
            if (!inGroup.length) return null;
            return (
              <fieldset key={g}>
                <legend>{t(`webhooksAdmin.group.${g}`)}</legend>
                {inGroup.map((n) => (
                  <label key={n} className="check">
                    <input
                      type="checkbox"
                      checked={chosen.has(n)}
                      onChange={(e) => toggle(n, e.target.checked)}
                    />
                    <code data-i18n-skip>{n}</code>
                  </label>
                ))}
              </fieldset>
            );
          })}
        </div>
      )}
      <ErrorAt error={error} at={at} id={errId} label={t('webhooksAdmin.events')} />
    </fieldset>
  );
}
