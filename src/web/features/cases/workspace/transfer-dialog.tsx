import { useEffect, useId, useRef, useState } from 'react';
import type {
  RoutingTransferDto,
  RoutingTransferTargetsDto,
} from '../../../../shared/contracts/routing-transfer.ts';
import { ApiError, api } from '../../../app/api.ts';
import { useInvalidation } from '../../../app/live.tsx';
import { type Key, useT } from '../../../i18n/index.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import type { CaseView } from '../case-page.tsx';
import './transfer.css';

const ROUTED = new Set(['chat', 'email', 'sms']);
/**
 * The note typed for each case, kept while the desktop is open: cancelling the dialog and opening
 * it again for the same case finds the note as it was left (a transfer made forgets it). Held in
 * the page only: a reload starts afresh, as any unsent form does.
 */
const drafts = new Map<string, string>();
/** The refusals that name an officer who cannot take it now, said in one sentence with their name. */
const REFUSED = new Set(['routing_transfer.officer_unavailable', 'routing_transfer.officer_at_capacity']);

/**
 * Transfer (issue 14, point 4): the button in the case's header for whoever may write the case, when
 * it came in on a routed channel and is still open. The server decides who may (its handler, its
 * team's leaders) and says why not.
 */
export function TransferButton({ view }: { view: CaseView }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const c = view.ws.case;
  const routed = view.ws.messages.some((m) => ROUTED.has(m.channel));
  if (!view.writer || !routed || c.status === 'resolved' || c.status === 'closed') return null;
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {t('transfer.open')}
      </button>
      {open && (
        <TransferDialog
          view={view}
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            void view.reload();
          }}
        />
      )}
    </>
  );
}

/**
 * Choose an officer (with whether they can take it now: those who cannot are listed, disabled) or a
 * team's queue, write the note, transfer. The client id is made when the dialog opens: a double
 * click, or a retry after a lost answer, is the same transfer. The note outlives a cancel (drafts).
 */
function TransferDialog({ view, onClose, onDone }: { view: CaseView; onClose(): void; onDone(): void }) {
  const t = useT();
  const c = view.ws.case;
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const clientId = useRef(crypto.randomUUID());
  const [targets, setTargets] = useState<RoutingTransferTargetsDto | null>(null);
  const [target, setTarget] = useState('');
  const [note, setNoteState] = useState(() => drafts.get(c.id) ?? '');
  const setNote = (v: string) => {
    drafts.set(c.id, v);
    setNoteState(v);
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [reread, setReread] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reread is the trigger to read again
  useEffect(() => {
    if (!ref.current?.open) ref.current?.showModal();
    let live = true;
    api<RoutingTransferTargetsDto>('GET', `/routing/transfer-targets?caseId=${c.id}`).then(
      (x) => {
        if (!live) return;
        setTargets(x);
        // Whoever was picked and can no longer take it is picked no more (their option is disabled).
        setTarget((cur) =>
          x.officers.some((o) => `user:${o.userId}` === cur && o.availability !== 'available') ? '' : cur,
        );
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [c.id, reread]);
  /** A refusal naming the officer picked, in one sentence; any other problem as the server says it. */
  const refusal = (e: unknown): unknown => {
    if (!(e instanceof ApiError) || !REFUSED.has(e.problem.code)) return e;
    const who = targets?.officers.find((o) => `user:${o.userId}` === target);
    if (!who) return e;
    if (e.problem.code === 'routing_transfer.officer_at_capacity')
      return t('transfer.refused.full', { name: who.displayName });
    const state = (e.problem as { state?: unknown }).state === 'offline' ? 'offline' : 'away';
    return t('transfer.refused.unavailable', {
      name: who.displayName,
      state: t(`transfer.availability.${state}`),
    });
  };
  const send = async () => {
    if (busy || !target || !note.trim()) return;
    setBusy(true);
    setError(null);
    const [kind, id] = target.split(':') as ['user' | 'team', string];
    const body = {
      caseId: c.id,
      clientId: clientId.current,
      note,
      ...(kind === 'user' ? { toUserId: id } : { toTeamId: id }),
    };
    try {
      // A dropped answer: the same client id again is the same transfer, never a second one.
      await api('POST', '/routing/transfers', body).catch(async (e) => {
        if (!(e instanceof TypeError)) throw e;
        return api('POST', '/routing/transfers', body);
      });
      drafts.delete(c.id);
      onDone();
    } catch (e) {
      setError(refusal(e));
      // Another target is another transfer; who can take it now is read again.
      clientId.current = crypto.randomUUID();
      if (e instanceof ApiError && REFUSED.has(e.problem.code)) setReread((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="transfer-dialog">
      <h2 id={titleId}>{t('transfer.title', { reference: c.reference })}</h2>
      {!targets && !error && <p>{t('transfer.loading')}</p>}
      {targets && (
        <label>
          {t('transfer.to')}
          <select value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">{t('transfer.choose')}</option>
            <optgroup label={t('transfer.officers')}>
              {/* Listed with their state, so the officer knows why someone cannot be picked. */}
              {targets.officers.map((o) => (
                <option key={o.userId} value={`user:${o.userId}`} disabled={o.availability !== 'available'}>
                  {t('transfer.officer', {
                    name: o.teamName ? `${o.displayName} (${o.teamName})` : o.displayName,
                    availability: t(`transfer.availability.${o.availability}` as Key),
                  })}
                </option>
              ))}
            </optgroup>
            <optgroup label={t('transfer.queues')}>
              {targets.queues.map((q) => (
                <option key={q.teamId} value={`team:${q.teamId}`}>
                  {t('transfer.queue', { name: q.name, count: q.waiting })}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
      )}
      <label>
        {t('transfer.note')}
        <textarea
          rows={4}
          maxLength={2000}
          value={note}
          aria-describedby={`${titleId}-hint`}
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      <p className="small" id={`${titleId}-hint`}>
        {t('transfer.noteHint')} {t('transfer.hint')}
      </p>
      {error !== null && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={busy || !target || !note.trim()}
          aria-busy={busy}
          onClick={() => void send()}
        >
          {busy ? t('transfer.sending') : t('transfer.send')}
        </button>
        <button type="button" className="secondary" onClick={() => ref.current?.close()}>
          {t('transfer.cancel')}
        </button>
      </div>
    </dialog>
  );
}

/**
 * The latest transfer of the case, for whoever it was passed to: from whom, to whom, the note, and
 * where it stands. Shown above the conversation; the note is also in the thread as an internal note.
 */
export function TransferContext({ caseId }: { caseId: string }) {
  const t = useT();
  const [last, setLast] = useState<RoutingTransferDto | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the tick is the trigger
  useEffect(() => {
    let live = true;
    api<{ items: RoutingTransferDto[] }>('GET', `/routing/transfers?caseId=${caseId}`).then(
      (r) => live && setLast(r.items[0] ?? null),
      () => live && setLast(null),
    );
    return () => {
      live = false;
    };
  }, [caseId, tick]);
  useInvalidation(`case:${caseId}`, (inv) => {
    if (inv.type === 'case.updated' || inv.type === 'case.note_added') setTick((n) => n + 1);
  });
  if (!last || last.state === 'over') return null;
  return (
    <p className="transfer-context" role="note">
      <strong>
        {t('transfer.context', { from: last.fromName, to: last.toName ?? last.toTeamName ?? '' })}
      </strong>{' '}
      ({t(`transfer.state.${last.state}` as Key)}): <span data-i18n-skip>{last.note}</span>
    </p>
  );
}
