import { type FormEvent, useEffect, useState } from 'react';
import {
  ROUTING_STRATEGIES,
  type RoutingQueueDto,
  type RoutingQueuePatchDto,
  type RoutingStrategy,
} from '../../../shared/contracts/routing.ts';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';

type Draft = {
  strategy: RoutingStrategy;
  offerTimeoutSeconds: string;
  relaxAfterSeconds: string;
  overflowAfterSeconds: string;
  overflowQueueId: string;
  calendarId: string;
  emailPull: boolean;
};

const draftOf = (q: RoutingQueueDto): Draft => ({
  strategy: q.strategy,
  offerTimeoutSeconds: String(q.offerTimeoutSeconds),
  relaxAfterSeconds: q.relaxAfterSeconds === null ? '' : String(q.relaxAfterSeconds),
  overflowAfterSeconds: q.overflowAfterSeconds === null ? '' : String(q.overflowAfterSeconds),
  overflowQueueId: q.overflowQueueId ?? '',
  calendarId: q.calendarId ?? '',
  emailPull: q.emailPull,
});
const orNull = (s: string) => (s.trim() === '' ? null : Number(s));

/** What changed, as the PATCH body (only those fields). */
function patchOf(q: RoutingQueueDto, d: Draft): RoutingQueuePatchDto {
  const body: RoutingQueuePatchDto = {};
  if (d.strategy !== q.strategy) body.strategy = d.strategy;
  if (Number(d.offerTimeoutSeconds) !== q.offerTimeoutSeconds)
    body.offerTimeoutSeconds = Number(d.offerTimeoutSeconds);
  if (orNull(d.relaxAfterSeconds) !== q.relaxAfterSeconds)
    body.relaxAfterSeconds = orNull(d.relaxAfterSeconds);
  if (orNull(d.overflowAfterSeconds) !== q.overflowAfterSeconds)
    body.overflowAfterSeconds = orNull(d.overflowAfterSeconds);
  if ((d.overflowQueueId || null) !== q.overflowQueueId) body.overflowQueueId = d.overflowQueueId || null;
  if ((d.calendarId || null) !== q.calendarId) body.calendarId = d.calendarId || null;
  if (d.emailPull !== q.emailPull) body.emailPull = d.emailPull;
  return body;
}

/**
 * A queue's settings: strategy, offer time-out, when language and skills stop narrowing the
 * choice, overflow to another queue after a wait, business hours, and pull mode for e-mail.
 */
export function QueueSettings({
  queue,
  queues,
  onSaved,
}: {
  queue: RoutingQueueDto;
  queues: RoutingQueueDto[];
  onSaved: (q: RoutingQueueDto) => void;
}) {
  const t = useT();
  const [d, setD] = useState<Draft>(() => draftOf(queue));
  const [calendars, setCalendars] = useState<{ id: string; name: string }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void api<{ items: { id: string; name: string }[] }>('GET', '/calendars')
      .then((r) => setCalendars(r.items))
      .catch(() => {});
  }, []);
  const body = patchOf(queue, d);
  const dirty = Object.keys(body).length > 0;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setSaved(false);
    setD((x) => ({ ...x, [k]: v }));
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const q = await api<RoutingQueueDto>('PATCH', `/routing/queues/${queue.id}`, body);
      setSaved(true);
      onSaved(q);
    } catch (err) {
      setError(err);
    }
  };
  const num = (id: keyof Draft, label: string, min: number, max: number, help?: string) => (
    <label>
      {label}{' '}
      <input
        id={`queue-${id}`}
        type="number"
        min={min}
        max={max}
        value={String(d[id])}
        onChange={(e) => set(id, e.target.value as never)}
        aria-describedby={help ? `queue-${id}-help` : undefined}
      />
    </label>
  );
  return (
    <form className="queue-settings" aria-labelledby="queue-settings-title" onSubmit={(e) => void save(e)}>
      <h2 id="queue-settings-title">{t('routing.admin.queueTitle')}</h2>
      <label>
        {t('routing.admin.strategy')}{' '}
        <select
          id="queue-strategy"
          value={d.strategy}
          onChange={(e) => set('strategy', e.target.value as RoutingStrategy)}
        >
          {ROUTING_STRATEGIES.map((s) => (
            <option key={s} value={s}>
              {t(`routing.strategy.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {num('offerTimeoutSeconds', t('routing.admin.offerTimeout'), 5, 600)}
      {num('relaxAfterSeconds', t('routing.admin.relaxAfter'), 0, 86400, 'help')}
      <p className="help" id="queue-relaxAfterSeconds-help">
        {t('routing.admin.relaxHelp')}
      </p>
      {num('overflowAfterSeconds', t('routing.admin.overflowAfter'), 10, 86400, 'help')}
      <label>
        {t('routing.admin.overflowTo')}{' '}
        <select
          id="queue-overflow"
          value={d.overflowQueueId}
          onChange={(e) => set('overflowQueueId', e.target.value)}
        >
          <option value="">{t('routing.admin.noOverflow')}</option>
          {queues
            .filter((o) => o.id !== queue.id)
            .map((o) => (
              <option key={o.id} value={o.id} data-i18n-skip>
                {o.name}
              </option>
            ))}
        </select>
      </label>
      <p className="help" id="queue-overflowAfterSeconds-help">
        {t('routing.admin.overflowHelp')}
      </p>
      <label>
        {t('routing.admin.calendar')}{' '}
        <select id="queue-calendar" value={d.calendarId} onChange={(e) => set('calendarId', e.target.value)}>
          <option value="">{t('routing.admin.always')}</option>
          {calendars.map((c) => (
            <option key={c.id} value={c.id} data-i18n-skip>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input
          id="queue-email-pull"
          type="checkbox"
          checked={d.emailPull}
          onChange={(e) => set('emailPull', e.target.checked)}
        />{' '}
        {t('routing.admin.emailPull')}
      </label>
      <button type="submit" disabled={!dirty}>
        {t('routing.admin.save')}
      </button>{' '}
      <span role="status">{saved ? t('routing.admin.saved') : ''}</span>
      {error ? (
        <p role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </form>
  );
}
