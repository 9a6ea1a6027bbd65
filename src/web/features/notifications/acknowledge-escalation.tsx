import { useCallback, useEffect, useState } from 'react';
import type { EscalationDto } from '../../../shared/contracts/sla.ts';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { clock } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';

/**
 * On the case page: an urgent escalation of this case still waiting for acknowledgement and
 * addressed to the viewer (named on it, or told of it in the bell) is acknowledged here too, so the
 * bell is not the only place it can be answered. `stamp` changes with the case, to re-read.
 */
export function AcknowledgeEscalation({
  caseId,
  userId,
  role,
  stamp,
  onDone,
}: {
  caseId: string;
  userId: string;
  role: string;
  stamp: string;
  onDone(): Promise<void>;
}) {
  const t = useT();
  const allowed = can(role, 'escalations.acknowledge');
  const { notifications } = useLive();
  const [open, setOpen] = useState<EscalationDto[]>([]);
  const [error, setError] = useState<unknown>(null);
  const submit = useSubmit();
  const load = useCallback(async () => {
    if (!allowed) return;
    // Superseded levels included: acknowledging any open level answers the whole chain.
    const r = await api<{ items: EscalationDto[] }>('GET', `/escalations?caseId=${caseId}`);
    setOpen(r.items.filter((e) => e.urgent && !e.acknowledgedAt));
  }, [allowed, caseId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: stamp is the signal to re-read
  useEffect(() => {
    void load();
  }, [load, stamp]);
  const told = new Set(notifications.map((n) => n.escalationId));
  const mine = open.find((e) => e.targetUserId === userId || told.has(e.id));
  if (!allowed || !mine) return null;
  const acknowledge = async () => {
    setError(null);
    try {
      await submit.run(async (send) => {
        await send('POST', `/escalations/${mine.id}/acknowledge`);
        await load();
        await onDone();
      });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="urgent" aria-label={t('escalation.region')}>
      <p>
        <strong>{t('escalation.title')}</strong> — <span data-i18n-skip>{mine.reason}</span>
        {mine.ackDueAt && (
          <>
            {t('escalation.ackBy')}
            <time dateTime={mine.ackDueAt}>{clock(mine.ackDueAt)}</time>
          </>
        )}
      </p>
      <button type="button" disabled={submit.busy} aria-busy={submit.busy} onClick={() => void acknowledge()}>
        {t('escalation.acknowledge')}
      </button>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
    </section>
  );
}
