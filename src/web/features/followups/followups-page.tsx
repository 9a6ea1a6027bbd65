import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { CommitmentDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';

/** A commitment with its due time and, for a role that may change cases, the buttons to close it. */
export function CommitmentRow({
  c,
  onChange,
  canChange = true,
}: {
  c: CommitmentDto;
  onChange: () => void;
  canChange?: boolean;
}) {
  const closing = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const close = async (state: 'kept' | 'cancelled') => {
    setError(null);
    try {
      await closing.run(async (send) => {
        await send('PATCH', `/commitments/${c.id}`, { state });
        onChange();
      });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <li className={c.overdue ? 'overdue' : undefined}>
      <time dateTime={c.dueAt}>{new Date(c.dueAt).toLocaleString()}</time>
      {c.overdue && ' (overdue)'} — {c.method} {c.customerName ?? 'the customer'} ·{' '}
      <a href={`#/cases/${c.caseId}`}>{c.caseReference}</a> {c.caseSubject}
      {c.note && <span className="muted"> — {c.note}</span>}
      {c.state === 'open' && !canChange ? (
        <span className="badge">open</span>
      ) : c.state === 'open' ? (
        <span className="row inline">
          <button
            type="button"
            disabled={closing.busy}
            aria-busy={closing.busy}
            onClick={() => void close('kept')}
          >
            Done
          </button>
          <button
            type="button"
            className="secondary"
            disabled={closing.busy}
            onClick={() => void close('cancelled')}
          >
            Cancel
          </button>
          {error && (
            <span role="alert" className="error">
              {error}
            </span>
          )}
        </span>
      ) : (
        <span className="badge">{c.state}</span>
      )}
    </li>
  );
}

/** The officer's open promises to revert, soonest first. */
export function FollowUpsPage() {
  const { version } = useLive();
  const [items, setItems] = useState<CommitmentDto[] | null>(null);
  const load = useCallback(async () => {
    setItems((await api<{ items: CommitmentDto[] }>('GET', '/commitments')).items);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version (a pushed reminder) is the trigger
  useEffect(() => {
    void load();
  }, [load, version]);
  return (
    <section>
      <h1>My follow-ups</h1>
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>No open commitments.</p>
      ) : (
        <ul className="commitments" aria-label="My follow-ups">
          {items.map((c) => (
            <CommitmentRow key={c.id} c={c} onChange={() => void load()} />
          ))}
        </ul>
      )}
    </section>
  );
}
