import { useCallback, useEffect, useState } from 'react';
import { COMMITMENT_METHODS, PROGRESS_CHANNELS } from '../../../shared/vocabulary.ts';
import { ApiError, api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { CaseSlaDto, CommitmentDto, ProgressDraftDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { when, whenFull } from '../../ui/format.ts';
import { CommitmentRow } from '../followups/followups-page.tsx';

const CLOCK = {
  first_response: 'First response',
  next_update: 'Next update',
  resolution: 'Resolution',
} as const;
const LIGHT: Record<string, string> = {
  ok: 'on time',
  due_soon: 'due soon',
  breached: 'breached',
  paused: 'paused',
  met: 'met',
  met_late: 'met late',
  cancelled: 'no longer applies',
};
const hm = (m: number) => `${Math.floor(Math.abs(m) / 60)} h ${Math.abs(m) % 60} min`;

/** The case's clocks (time left, breach), their history, the progress-update prompt, and follow-ups. */
export function CaseSla({
  caseId,
  stamp,
  canWrite,
  onChange,
}: {
  caseId: string;
  /** The case's last change: any write on the case page moves it, and the clocks reload with it. */
  stamp: string;
  /** May send updates and make or close commitments (cases.write). */
  canWrite: boolean;
  onChange: () => void;
}) {
  const { version } = useLive();
  const [sla, setSla] = useState<CaseSlaDto | null>(null);
  const [draft, setDraft] = useState<ProgressDraftDto | null>(null);
  const [commitments, setCommitments] = useState<CommitmentDto[]>([]);
  const [due, setDue] = useState('');
  const [method, setMethod] = useState('call');
  const [promise, setPromise] = useState('');
  const [error, setError] = useState<string | null>(null);
  const updating = useSubmit();
  const committing = useSubmit();
  const load = useCallback(async () => {
    const [s, d, c] = await Promise.all([
      api<CaseSlaDto>('GET', `/cases/${caseId}/sla`),
      api<ProgressDraftDto>('GET', `/cases/${caseId}/progress-update`),
      api<{ items: CommitmentDto[] }>('GET', `/commitments?caseId=${caseId}&state=open`),
    ]);
    setSla(s);
    setDraft(d);
    setCommitments(c.items);
  }, [caseId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version (a push) and stamp (a write) are the triggers
  useEffect(() => {
    void load();
  }, [load, version, stamp]);
  if (!sla) return null;
  const sendUpdate = async () => {
    if (!draft) return;
    setError(null);
    try {
      await updating.run(async (send) => {
        await send('POST', `/cases/${caseId}/progress-updates`, { channel: draft.channel, body: draft.body });
        await load();
        onChange();
      });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const commit = async () => {
    setError(null);
    try {
      await committing.run(async (send) => {
        await send('POST', `/cases/${caseId}/commitments`, {
          dueAt: new Date(due).toISOString(),
          method,
          ...(promise ? { note: promise } : {}),
        });
        setDue('');
        setPromise('');
        await load();
        onChange();
      });
    } catch (e) {
      setError(
        e instanceof ApiError
          ? e.fieldMessage('dueAt')
            ? `Due: ${e.fieldMessage('dueAt')}`
            : e.message
          : String(e),
      );
    }
  };
  return (
    <section aria-label="Service level" className="case-sla">
      <h2>Service level{sla.policy ? `: ${sla.policy.name}` : ''}</h2>
      {sla.clocks.length === 0 ? (
        <p>No service level applies to this case.</p>
      ) : (
        <ul className="clocks">
          {sla.clocks.map((k) => (
            <li key={k.kind} className={`sla sla-${k.light}`} data-clock={k.kind}>
              <strong>{CLOCK[k.kind as keyof typeof CLOCK]}</strong>: {LIGHT[k.light]}
              {k.leftMinutes !== null &&
                (k.leftMinutes >= 0 ? ` · ${hm(k.leftMinutes)} left` : ` · ${hm(k.leftMinutes)} over`)}
              {k.dueAt && ` · due ${when(k.dueAt)}`}
              {k.metAt && ` · met ${when(k.metAt)}`}
            </li>
          ))}
        </ul>
      )}
      {draft?.needed && canWrite && (
        <section className="prompt" aria-label="Progress update">
          <p>
            <strong>The resolution target will be missed or is close.</strong> Keep the customer informed:
          </p>
          <label>
            Channel
            <select
              value={draft.channel}
              onChange={(e) => setDraft({ ...draft, channel: e.target.value as ProgressDraftDto['channel'] })}
            >
              {PROGRESS_CHANNELS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Progress update
            <textarea
              rows={4}
              value={draft.body}
              onChange={(e) => setDraft({ ...draft, body: e.target.value })}
            />
          </label>
          <button
            type="button"
            disabled={updating.busy}
            aria-busy={updating.busy}
            onClick={() => void sendUpdate()}
          >
            Send progress update
          </button>
        </section>
      )}
      <h3>Follow-up commitments</h3>
      {commitments.length > 0 && (
        <ul className="commitments" aria-label="Commitments on this case">
          {commitments.map((c) => (
            <CommitmentRow key={c.id} c={c} canChange={canWrite} onChange={() => void load()} />
          ))}
        </ul>
      )}
      {commitments.length === 0 && !canWrite && <p>No open commitments.</p>}
      {canWrite && (
        <div className="row">
          <label>
            Revert by
            <input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
          </label>
          <label>
            How
            <select value={method} onChange={(e) => setMethod(e.target.value)}>
              {COMMITMENT_METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label>
            What was promised
            <input value={promise} onChange={(e) => setPromise(e.target.value)} />
          </label>
          <button
            type="button"
            className="secondary"
            disabled={!due || committing.busy}
            aria-busy={committing.busy}
            onClick={() => void commit()}
          >
            Add commitment
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <details>
        <summary>SLA history</summary>
        <ol aria-label="SLA history">
          {sla.history.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: history rows are append-only and never reorder
            <li key={i}>
              <time dateTime={h.at} title={whenFull(h.at)}>
                {when(h.at)}
              </time>{' '}
              {CLOCK[h.clock as keyof typeof CLOCK]} {h.event}
              {h.cycle > 1 ? ` (cycle ${h.cycle})` : ''}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
