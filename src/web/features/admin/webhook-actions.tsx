import { useState } from 'react';
import type { WebhookDto } from '../../../shared/contracts/webhooks.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { focusSoon } from '../../ui/focus.ts';
import { when } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { isConflict } from '../cases/conflict.tsx';
import type { Revealed } from './webhook-editor.tsx';

type Asking = 'rotate' | 'remove' | null;

/**
 * What an administrator does to an endpoint besides editing it: send a test event, switch it off or
 * on (again, after the sender disabled it), make a new signing secret, delete it. The two that cannot
 * be undone ask first. Switching sends If-Match with the version the form was filled from.
 */
export function WebhookActions({
  webhook,
  saved,
  revealed,
  onReveal,
  onChanged,
  onRemoved,
  onTested,
  onRefused,
}: {
  webhook: WebhookDto;
  saved: WebhookDto;
  revealed: Revealed | null;
  onReveal(r: Revealed | null): void;
  /** After a write: the endpoint as it now is, and what to say (nothing: ''). */
  onChanged(next: WebhookDto, text: string): Promise<void>;
  onRemoved(): Promise<void>;
  /** A test was queued: the delivery log shows it. */
  onTested(): void;
  /** A refused switch, for the form to show (a 412 as the conflict). */
  onRefused(e: ApiError | null): void;
}) {
  const t = useT();
  const [asking, setAsking] = useState<Asking>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const acting = useSubmit();
  const id = webhook.id;

  const run = async (work: Parameters<typeof acting.run>[0]) => {
    onRefused(null);
    const ok = await attempt(
      () => acting.run(work),
      (e) => {
        // A stale version is the form's conflict (with its Reload); anything else is said here.
        if (isConflict(e)) onRefused(e);
        else setError(e);
      },
    );
    setAsking(null);
    return ok;
  };
  const test = () =>
    run(async (send) => {
      await send('POST', `/webhooks/${id}/test`);
      onTested();
    });
  const setActive = (active: boolean) =>
    run(async (send) => {
      const out = await send<WebhookDto>(
        'PATCH',
        `/webhooks/${id}`,
        { active },
        { headers: { 'if-match': `"${saved.version}"` } },
      );
      await onChanged(out, t(active ? 'webhooksAdmin.switchedOn' : 'webhooksAdmin.switchedOff'));
    });
  const rotate = () =>
    run(async (send) => {
      const out = await send<{ secret: string; previousValidUntil: string }>(
        'POST',
        `/webhooks/${id}/rotate-secret`,
      );
      onReveal({ id, ...out });
      // A rotation moves the version on: the form's If-Match follows it.
      await onChanged(await api<WebhookDto>('GET', `/webhooks/${id}`), '');
      focusSoon('#webhook-secret');
    });
  const remove = async () => {
    const ok = await run((send) => send('DELETE', `/webhooks/${id}`));
    if (ok) await onRemoved();
  };
  const ask = (what: Asking) => {
    setError(null);
    setAsking(what);
    focusSoon('#webhook-confirm button');
  };

  const switchButton =
    webhook.status === 'active' ? (
      <button
        type="button"
        className="secondary"
        disabled={acting.busy}
        onClick={() => void setActive(false)}
      >
        {t('webhooksAdmin.switchOff')}
      </button>
    ) : (
      <button type="button" disabled={acting.busy} onClick={() => void setActive(true)}>
        {t(webhook.status === 'disabled' ? 'webhooksAdmin.switchOnAgain' : 'webhooksAdmin.switchOn')}
      </button>
    );
  return (
    <section aria-label={t('webhooksAdmin.actions')} className="webhook-actions">
      {revealed && <SecretBox r={revealed} onDone={() => onReveal(null)} />}
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={acting.busy}
          aria-busy={acting.busy}
          onClick={() => void test()}
        >
          {t('webhooksAdmin.sendTest')}
        </button>
        {switchButton}
        <button type="button" className="secondary" disabled={acting.busy} onClick={() => ask('rotate')}>
          {t('webhooksAdmin.rotate')}
        </button>
        <button type="button" className="secondary" disabled={acting.busy} onClick={() => ask('remove')}>
          {t('webhooksAdmin.remove')}
        </button>
      </div>
      {asking && (
        <div className="confirm warn" id="webhook-confirm">
          <p id="webhook-question">
            {t(asking === 'rotate' ? 'webhooksAdmin.rotateConfirm' : 'webhooksAdmin.removeConfirm')}
          </p>
          <button
            type="button"
            className={asking === 'remove' ? 'danger' : ''}
            aria-describedby="webhook-question"
            disabled={acting.busy}
            aria-busy={acting.busy}
            onClick={() => void (asking === 'rotate' ? rotate() : remove())}
          >
            {t(asking === 'rotate' ? 'webhooksAdmin.rotateYes' : 'webhooksAdmin.removeYes')}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setAsking(null)}>
            {t('webhooksAdmin.cancel')}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          <ProblemText error={error} />
        </p>
      )}
    </section>
  );
}

/** The signing secret, this once, with a Copy button; gone once the administrator says they kept it. */
function SecretBox({ r, onDone }: { r: Revealed; onDone(): void }) {
  const t = useT();
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(r.secret);
      setCopied(t('webhooksAdmin.secret.copied'));
    } catch {
      // No clipboard (a policy, an insecure origin): the text is selected for the keyboard's copy.
      document.querySelector<HTMLInputElement>('#webhook-secret')?.select();
      setCopied(t('webhooksAdmin.secret.copyFailed'));
    }
  };
  return (
    <section aria-labelledby="secret-h" className="secret-box">
      <h3 id="secret-h">{t('webhooksAdmin.secret.title')}</h3>
      <p>{t('webhooksAdmin.secret.once')}</p>
      <label htmlFor="webhook-secret">{t('webhooksAdmin.secret.label')}</label>
      <div className="row">
        <input
          id="webhook-secret"
          className="grow"
          readOnly
          value={r.secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {t('webhooksAdmin.secret.copy')}
        </button>
      </div>
      <p role="status" className="ok">
        {copied}
      </p>
      {r.previousValidUntil && (
        <p>{t('webhooksAdmin.secret.previousUntil', { when: when(r.previousValidUntil) })}</p>
      )}
      <button
        type="button"
        className="secondary"
        onClick={() => {
          onDone();
          focusSoon('.webhook-actions button');
        }}
      >
        {t('webhooksAdmin.secret.done')}
      </button>
    </section>
  );
}
