import { useCallback, useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { DeadLetterDto, InboundItem } from '../../../shared/contracts/messages.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { At } from '../../ui/at.tsx';
import { attempt } from '../../ui/field.tsx';
import { words } from '../../ui/format.ts';
import { LogSection, RecordTable } from './log-table.tsx';

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
  const refresh = <RefreshButton load={load} setError={setError} />;
  return (
    <LogSection
      id="dead-h"
      title={t('mailboxes.problems.deadTitle')}
      hint={t('mailboxes.problems.deadHint')}
      notice={notice}
      error={error}
      count={items?.length ?? null}
      loading={t('mailboxes.loading')}
      none={t('mailboxes.problems.deadNone')}
      footer={refresh}
    >
      <RecordTable
        caption={t('mailboxes.problems.deadTitle')}
        columns={[
          t('mailboxes.problems.col.case'),
          t('mailboxes.problems.col.to'),
          t('mailboxes.problems.col.subject'),
          t('mailboxes.problems.col.reason'),
          t('mailboxes.problems.col.written'),
        ]}
        action={t('mailboxes.problems.col.retry')}
      >
        <tbody>
          {items?.map((m) => (
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
      </RecordTable>
    </LogSection>
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
  const refresh = <RefreshButton load={load} setError={setError} />;
  return (
    <LogSection
      id="ignored-h"
      title={t('mailboxes.problems.ignoredTitle')}
      hint={t('mailboxes.problems.ignoredHint')}
      error={error}
      count={items?.length ?? null}
      loading={t('mailboxes.loading')}
      none={t('mailboxes.problems.ignoredNone')}
      footer={refresh}
    >
      <RecordTable
        caption={t('mailboxes.problems.ignoredTitle')}
        columns={[
          t('mailboxes.problems.col.received'),
          t('mailboxes.problems.col.from'),
          t('mailboxes.problems.col.outcome'),
          t('mailboxes.problems.col.detail'),
        ]}
      >
        <tbody>
          {items?.map((i) => {
            const { reason, detail } = outcomeOf(i);
            const shownDetail = i.state === 'failed' ? i.lastError : typeof detail === 'string' ? detail : '';
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
      </RecordTable>
    </LogSection>
  );
}

function RefreshButton({ load, setError }: { load(): Promise<void>; setError(e: ApiError | null): void }) {
  const t = useT();
  return (
    <button type="button" className="secondary small" onClick={() => void attempt(load, setError)}>
      {t('mailboxes.problems.refresh')}
    </button>
  );
}
