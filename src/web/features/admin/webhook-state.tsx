import type { WebhookDto } from '../../../shared/contracts/webhooks.ts';
import { useT } from '../../i18n/index.ts';
import { when } from '../../ui/format.ts';
import { type BadgeLook, HealthBadge } from './admin-list.tsx';
import { type Shown, shownState } from './webhook-draft.ts';

const SIGN: Record<Shown, string> = { active: '✓', failing: '↻', inactive: '○', disabled: '✕' };
const LOOK: Record<Shown, BadgeLook> = {
  active: 'ok',
  failing: 'retryable',
  inactive: 'unknown',
  disabled: 'permanent',
};

/** An endpoint's state in words with a sign, then colour: readable without the colour. */
export function StateBadge({ w }: { w: WebhookDto }) {
  const t = useT();
  const s = shownState(w);
  return (
    <HealthBadge
      look={LOOK[s]}
      sign={SIGN[s]}
      of={t('webhooksAdmin.stateOf')}
      words={t(`webhooksAdmin.status.${s}`)}
      data={{ 'data-state': s }}
    />
  );
}

/** The editor's head: the state, what it means (when and why it was disabled), and the server's reason. */
export function StatePanel({ w }: { w: WebhookDto }) {
  const t = useT();
  const s = shownState(w);
  const since = w.failingSince ? when(w.failingSince) : '—';
  const words =
    s === 'disabled'
      ? t('webhooksAdmin.statusHint.disabled', {
          at: w.disabledAt ? when(w.disabledAt) : '—',
          count: w.consecutiveFailures,
          since,
        })
      : s === 'failing'
        ? t('webhooksAdmin.statusHint.failing', { count: w.consecutiveFailures, since })
        : t(`webhooksAdmin.statusHint.${s}`);
  return (
    <div className="health-panel" data-testid="webhook-state">
      <StateBadge w={w} /> <span>{words}</span>
      {s === 'disabled' && w.disabledReason && (
        <span className="muted">
          {t('webhooksAdmin.serverReason')} <span data-i18n-skip>{w.disabledReason}</span>
        </span>
      )}
      <span className="muted">
        {w.lastSuccessAt
          ? t('webhooksAdmin.lastSuccess', { when: when(w.lastSuccessAt) })
          : t('webhooksAdmin.neverDelivered')}
      </span>
    </div>
  );
}
