import { useCallback, useEffect, useState } from 'react';
import { COMMITMENT_METHODS, PROGRESS_CHANNELS } from '../../../shared/vocabulary.ts';
import { ApiError, api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { CaseSlaDto, CommitmentDto, ProgressDraftDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, t as translate, useT } from '../../i18n/index.ts';
import { when, whenFull } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { CommitmentRow } from '../followups/followups-page.tsx';
import { noRecipient } from '../followups/keep-dialog.tsx';

const CLOCKS = new Set(['first_response', 'next_update', 'resolution']);
const LIGHTS = new Set(['ok', 'due_soon', 'breached', 'paused', 'met', 'met_late', 'cancelled']);
/** A clock or light code in words; an unknown one (a newer server) as it came. */
const clockName = (k: string) =>
  CLOCKS.has(k) ? translate(`caseSla.clock.${k as 'resolution'}`) : k.replaceAll('_', ' ');
const lightName = (k: string) =>
  LIGHTS.has(k) ? translate(`caseSla.light.${k as 'ok'}`) : k.replaceAll('_', ' ');
const hm = (m: number) => translate('format.hMin', { h: Math.floor(Math.abs(m) / 60), m: Math.abs(m) % 60 });

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
  const t = useT();
  const { version } = useLive();
  const [sla, setSla] = useState<CaseSlaDto | null>(null);
  const [draft, setDraft] = useState<ProgressDraftDto | null>(null);
  const [commitments, setCommitments] = useState<CommitmentDto[]>([]);
  const [due, setDue] = useState('');
  const [method, setMethod] = useState('call');
  const [promise, setPromise] = useState('');
  const [error, setError] = useState<unknown>(null);
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
  const sendUpdate = async (withoutSending = false) => {
    if (!draft) return;
    setError(null);
    try {
      await updating.run(async (send) => {
        await send('POST', `/cases/${caseId}/progress-updates`, {
          channel: draft.channel,
          body: draft.body,
          ...(withoutSending ? { withoutSending: true } : {}),
        });
        await load();
        onChange();
      });
    } catch (e) {
      setError(e);
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
      const due = e instanceof ApiError ? e.fieldMessage('dueAt') : undefined;
      setError(due ? t('caseSla.dueError', { message: due }) : e);
    }
  };
  return (
    <section aria-label={t('caseSla.region')} className="case-sla">
      <h2>{sla.policy ? t('caseSla.titlePolicy', { policy: sla.policy.name }) : t('caseSla.title')}</h2>
      {sla.clocks.length === 0 ? (
        <p>{t('caseSla.none')}</p>
      ) : (
        <ul className="clocks">
          {sla.clocks.map((k) => (
            <li key={k.kind} className={`sla sla-${k.light}`} data-clock={k.kind}>
              <strong>{clockName(k.kind)}</strong>: {lightName(k.light)}
              {k.leftMinutes !== null &&
                t(k.leftMinutes >= 0 ? 'caseSla.left' : 'caseSla.over', { time: hm(k.leftMinutes) })}
              {k.dueAt && t('caseSla.dueAt', { when: when(k.dueAt) })}
              {k.metAt && t('caseSla.metAt', { when: when(k.metAt) })}
              {k.targetFrom &&
                t(k.targetFrom.kind === 'mailbox' ? 'caseSla.fromMailbox' : 'caseSla.fromPolicy', {
                  name: k.targetFrom.name,
                })}
            </li>
          ))}
        </ul>
      )}
      {draft?.needed && canWrite && (
        <section className="prompt" aria-label={t('caseSla.promptRegion')}>
          <p>
            <strong>{t('caseSla.promptStrong')}</strong>
            {t('caseSla.promptRest')}
          </p>
          <label>
            {t('caseSla.channel')}
            <select
              value={draft.channel}
              onChange={(e) => setDraft({ ...draft, channel: e.target.value as ProgressDraftDto['channel'] })}
            >
              {PROGRESS_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {term('channel', c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('caseSla.update')}
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
            {t('caseSla.send')}
          </button>
          {noRecipient(error) && (
            <p role="alert" className="error">
              {t('caseSla.noAddress')}{' '}
              <button type="button" disabled={updating.busy} onClick={() => void sendUpdate(true)}>
                {t('caseSla.recordWithoutSending')}
              </button>
            </p>
          )}
        </section>
      )}
      <h3>{t('caseSla.commitments')}</h3>
      {commitments.length > 0 && (
        <ul className="commitments" aria-label={t('caseSla.commitmentsList')}>
          {commitments.map((c) => (
            <CommitmentRow key={c.id} c={c} canChange={canWrite} onChange={() => void load()} />
          ))}
        </ul>
      )}
      {commitments.length === 0 && !canWrite && <p>{t('caseSla.noCommitments')}</p>}
      {canWrite && (
        <div className="row">
          <label>
            {t('caseSla.revertBy')}
            <input type="datetime-local" value={due} onChange={(e) => setDue(e.target.value)} />
          </label>
          <label>
            {t('caseSla.how')}
            <select value={method} onChange={(e) => setMethod(e.target.value)}>
              {COMMITMENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {term('method', m)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('caseSla.promised')}
            <input value={promise} onChange={(e) => setPromise(e.target.value)} />
          </label>
          <button
            type="button"
            className="secondary"
            disabled={!due || committing.busy}
            aria-busy={committing.busy}
            onClick={() => void commit()}
          >
            {t('caseSla.addCommitment')}
          </button>
        </div>
      )}
      {error && !noRecipient(error) ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      <details>
        <summary>{t('caseSla.history')}</summary>
        <ol aria-label={t('caseSla.history')}>
          {sla.history.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: history rows are append-only and never reorder
            <li key={i}>
              <time dateTime={h.at} title={whenFull(h.at)}>
                {when(h.at)}
              </time>{' '}
              {clockName(h.clock)} {term('slaEvent', h.event)}
              {h.cycle > 1 ? t('caseSla.cycle', { cycle: h.cycle }) : ''}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}
