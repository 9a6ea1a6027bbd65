import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import type { CaseDetailDto } from '../../app/types.ts';

const ACTION_LABEL: Record<string, string> = {
  open: 'Open',
  await_customer: 'Wait for customer',
  await_action_party: 'Wait for action party',
  resume: 'Resume',
  resolve: 'Resolve',
  close: 'Close',
  reopen: 'Reopen',
};

/** Header, timeline of every event, note composer, and only the legal moves as buttons. */
export function CasePage({ id }: { id: string }) {
  const [c, setCase] = useState<CaseDetailDto | null>(null);
  const [note, setNote] = useState('');
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => setCase(await api<CaseDetailDto>('GET', `/cases/${id}`)), [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!c) return <p>Loading…</p>;
  const act = async (action: string) => {
    setError(null);
    try {
      await api('POST', `/cases/${id}/transitions`, {
        action,
        ...(action === 'resolve' && summary ? { resolutionSummary: summary } : {}),
      });
      await load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const addNote = async () => {
    if (!note.trim()) return;
    await api('POST', `/cases/${id}/notes`, { body: note, visibility: 'internal' });
    setNote('');
    await load();
  };
  return (
    <article className="case">
      <header>
        <h1>
          {c.reference} · {c.subject}
        </h1>
        <p>
          <span className="badge" data-testid="case-status">
            {c.status.replaceAll('_', ' ')}
          </span>{' '}
          {c.type.replaceAll('_', ' ')} ·{' '}
          {c.criticality === 'highly_critical' ? 'highly critical' : 'not highly critical'} · priority{' '}
          {c.priority}
        </p>
        {c.resolutionSummary && (
          <p>
            Resolution: {c.resolutionSummary}
            {c.customerConfirmed ? ' (confirmed by the customer)' : ''}
          </p>
        )}
      </header>
      <div className="row">
        {c.allowedActions.map((a) => (
          <button key={a} type="button" className="secondary" onClick={() => void act(a)}>
            {ACTION_LABEL[a] ?? a}
          </button>
        ))}
      </div>
      {c.allowedActions.includes('resolve') && (
        <label>
          Resolution summary (for Resolve)
          <input value={summary} onChange={(e) => setSummary(e.target.value)} />
        </label>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <h2>Timeline</h2>
      <ol className="timeline" aria-label="Timeline">
        {c.timeline.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time>{' '}
            {e.kind.replace('case.', '').replaceAll('_', ' ')}
            {typeof e.data.to === 'string' && ` → ${e.data.to.replaceAll('_', ' ')}`}
          </li>
        ))}
      </ol>
      <h2>Notes</h2>
      <ul>
        {c.notes.map((n) => (
          <li key={n.id}>
            <strong>{n.visibility === 'public' ? 'Reply' : 'Note'}:</strong> {n.body}
          </li>
        ))}
      </ul>
      <label>
        Internal note
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="button" onClick={() => void addNote()}>
        Add note
      </button>
    </article>
  );
}
