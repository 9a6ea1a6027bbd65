import { useCallback, useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { CommitmentDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, useT } from '../../i18n/index.ts';
import { whenFull } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { KeepDialog } from './keep-dialog.tsx';

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
  const t = useT();
  const closing = useSubmit();
  const [error, setError] = useState<unknown>(null);
  // A promise to e-mail is kept by writing the e-mail (the dialog); any other is kept at once.
  const [writing, setWriting] = useState(false);
  const close = async (state: 'kept' | 'cancelled') => {
    setError(null);
    if (state === 'kept' && (c.method === 'email' || c.method === 'sms')) {
      setWriting(true);
      return;
    }
    try {
      await closing.run(async (send) => {
        if (state === 'kept') await send('POST', `/commitments/${c.id}/keep`, {});
        else await send('PATCH', `/commitments/${c.id}`, { state });
        onChange();
      });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <li className={c.overdue ? 'overdue' : undefined}>
      <time dateTime={c.dueAt}>{whenFull(c.dueAt)}</time>
      {c.overdue && t('followups.overdue')}
      {t('followups.how', {
        method: term('method', c.method),
        customer: c.customerName ?? t('followups.theCustomer'),
      })}{' '}
      <a href={`#/cases/${c.caseId}`}>{c.caseReference}</a> <span data-i18n-skip>{c.caseSubject}</span>
      {c.note && (
        <span className="muted" data-i18n-skip>
          {' '}
          — {c.note}
        </span>
      )}
      {c.state === 'open' && !canChange ? (
        <span className="badge">{term('commitmentState', 'open')}</span>
      ) : c.state === 'open' ? (
        <span className="row inline">
          <button
            type="button"
            disabled={closing.busy}
            aria-busy={closing.busy}
            onClick={() => void close('kept')}
          >
            {c.method === 'email'
              ? t('followups.writeAndKeep')
              : c.method === 'sms'
                ? t('sms.followUp.write')
                : t('followups.done')}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={closing.busy}
            onClick={() => void close('cancelled')}
          >
            {t('followups.cancel')}
          </button>
          {error ? (
            <span role="alert" className="error">
              <ProblemText error={error} />
            </span>
          ) : null}
          {writing && (
            <KeepDialog
              c={c}
              onClose={() => setWriting(false)}
              onKept={() => {
                setWriting(false);
                onChange();
              }}
            />
          )}
        </span>
      ) : (
        <span className="badge">{term('commitmentState', c.state)}</span>
      )}
    </li>
  );
}

/** The officer's open promises to revert, soonest first. */
export function FollowUpsPage() {
  const t = useT();
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
      <h1>{t('followups.title')}</h1>
      {items === null ? (
        <p>{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('followups.none')}</p>
      ) : (
        <ul className="commitments" aria-label={t('followups.title')}>
          {items.map((c) => (
            <CommitmentRow key={c.id} c={c} onChange={() => void load()} />
          ))}
        </ul>
      )}
    </section>
  );
}
