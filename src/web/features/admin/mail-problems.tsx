import { useCallback, useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { DeadLetterDto, InboundItem } from '../../../shared/contracts/messages.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { when, whenFull, words } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';

type InboundItemDto = Static<typeof InboundItem>;
/** Why the inbound chain set a mail aside (inbound.service.ts), each said in words. */
const REASONS = [
  'spam',
  'own_address',
  'blocked',
  'no_sender',
  'auto_reply',
  'bounce_unmatched',
  'duplicate',
] as const;
type Reason = (typeof REASONS)[number];
const isReason = (r: unknown): r is Reason => REASONS.some((x) => x === r);

function At({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={whenFull(iso)}>
      {when(iso)}
    </time>
  );
}

/** Mail that went wrong: outbound messages that gave up (to retry), inbound mail that made no case. */
export function MailProblems() {
  return (
    <>
      <DeadLetters />
      <NotCases />
    </>
  );
}

/** The dead letters, newest first, each with its case and a Retry that queues it again. */
function DeadLetters() {
  const t = useT();
  const [items, setItems] = useState<DeadLetterDto[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const retrying = useSubmit();
  const load = useCallback(async () => {
    setItems((await api<{ items: DeadLetterDto[] }>('GET', '/messages/failed')).items);
  }, []);
  useEffect(() => {
    void attempt(load, setError);
  }, [load]);
  const retry = async (m: DeadLetterDto) => {
    setNotice('');
    const ok = await attempt(() => retrying.run((send) => send('POST', `/messages/${m.id}/retry`)), setError);
    if (ok) setNotice(t('mailboxes.problems.retried'));
    // Reloaded either way: a refusal most often means someone else retried it first.
    await attempt(load, (e) => e && setError(e));
  };
  return (
    <section aria-labelledby="dead-h">
      <h2 id="dead-h">{t('mailboxes.problems.deadTitle')}</h2>
      <p className="hint">{t('mailboxes.problems.deadHint')}</p>
      <p role="status" className="ok">
        {notice}
      </p>
      {error && (
        <p className="error" role="alert">
          <ProblemText error={error} />
        </p>
      )}
      {items === null ? (
        <p className="loading">{t('mailboxes.loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('mailboxes.problems.deadNone')}</p>
      ) : (
        <table>
          <caption className="sr-only">{t('mailboxes.problems.deadTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('mailboxes.problems.col.case')}</th>
              <th scope="col">{t('mailboxes.problems.col.to')}</th>
              <th scope="col">{t('mailboxes.problems.col.subject')}</th>
              <th scope="col">{t('mailboxes.problems.col.reason')}</th>
              <th scope="col">{t('mailboxes.problems.col.written')}</th>
              <th scope="col">
                <span className="sr-only">{t('mailboxes.problems.col.retry')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id}>
                <td>
                  <a href={`#/cases/${m.caseId}`} data-i18n-skip>
                    {m.caseReference}
                  </a>
                </td>
                <td className="wrap" data-i18n-skip>
                  {m.to.map((a) => a.address).join(', ')}
                </td>
                <td className="wrap" id={`dead-${m.id}`} data-i18n-skip>
                  {m.subject}
                </td>
                <td className="wrap" data-i18n-skip>
                  {m.stateReason}
                </td>
                <td>
                  <At iso={m.createdAt} />
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary small"
                    aria-describedby={`dead-${m.id}`}
                    disabled={retrying.busy}
                    onClick={() => void retry(m)}
                  >
                    {t('mailboxes.problems.retry')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" className="secondary small" onClick={() => void attempt(load, setError)}>
        {t('mailboxes.problems.refresh')}
      </button>
    </section>
  );
}

/** Inbound mail that became no message: set aside on purpose (with why) or failed to be processed. */
function NotCases() {
  const t = useT();
  const [items, setItems] = useState<InboundItemDto[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(async () => {
    const [ignored, failed] = await Promise.all(
      (['ignored', 'failed'] as const).map((state) =>
        api<{ items: InboundItemDto[] }>('GET', `/inbound?state=${state}`),
      ),
    );
    setItems([...ignored!.items, ...failed!.items].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)));
  }, []);
  useEffect(() => {
    void attempt(load, setError);
  }, [load]);
  const outcomeOf = (i: InboundItemDto) =>
    (i.outcome && typeof i.outcome === 'object' ? i.outcome : {}) as { reason?: unknown; detail?: unknown };
  return (
    <section aria-labelledby="ignored-h">
      <h2 id="ignored-h">{t('mailboxes.problems.ignoredTitle')}</h2>
      <p className="hint">{t('mailboxes.problems.ignoredHint')}</p>
      {error && (
        <p className="error" role="alert">
          <ProblemText error={error} />
        </p>
      )}
      {items === null ? (
        <p className="loading">{t('mailboxes.loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('mailboxes.problems.ignoredNone')}</p>
      ) : (
        <table>
          <caption className="sr-only">{t('mailboxes.problems.ignoredTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('mailboxes.problems.col.received')}</th>
              <th scope="col">{t('mailboxes.problems.col.from')}</th>
              <th scope="col">{t('mailboxes.problems.col.outcome')}</th>
              <th scope="col">{t('mailboxes.problems.col.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const { reason, detail } = outcomeOf(i);
              const shownDetail =
                i.state === 'failed' ? i.lastError : typeof detail === 'string' ? detail : '';
              return (
                <tr key={i.id} data-state={i.state}>
                  <td>
                    <At iso={i.receivedAt} />
                  </td>
                  <td className="wrap">
                    {i.sender ? <span data-i18n-skip>{i.sender}</span> : t('mailboxes.problems.noSender')}
                  </td>
                  <td>
                    {i.state === 'failed' ? (
                      t('mailboxes.problems.reason.failed')
                    ) : isReason(reason) ? (
                      t(`mailboxes.problems.reason.${reason}`)
                    ) : (
                      // A reason this desktop does not know yet (a newer server's): its code, humanised.
                      <span data-i18n-skip>{words(String(reason ?? i.state))}</span>
                    )}
                  </td>
                  <td className="wrap" data-i18n-skip>
                    {shownDetail}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button type="button" className="secondary small" onClick={() => void attempt(load, setError)}>
        {t('mailboxes.problems.refresh')}
      </button>
    </section>
  );
}
