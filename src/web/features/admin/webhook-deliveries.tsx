import { useCallback, useEffect, useRef, useState } from 'react';
import type { WebhookDeliveryDto } from '../../../shared/contracts/webhooks.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { At } from '../../ui/at.tsx';
import { attempt } from '../../ui/field.tsx';
import { when } from '../../ui/format.ts';
import { LogSection, RecordTable } from './log-table.tsx';

type Delivery = WebhookDeliveryDto;
type Attempt = Delivery['attemptLog'][number];
type Page = { items: Delivery[]; nextCursor: string | null };

const PAGE = 20;
/** While a delivery waits, the log looks again this often (the sender works within seconds). */
const WAITING_REFRESH_MS = 2_000;

/**
 * An endpoint's delivery log, newest first, each attempt on its own line: when, the event, which
 * attempt, the status code or the error, how long it took. A delivery that is done can be sent again.
 */
export function DeliveryLog({ webhookId, turn }: { webhookId: string; turn: number }) {
  const t = useT();
  const [items, setItems] = useState<Delivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  // How many the administrator has paged to: a reload keeps that many (up to a page's limit).
  const shown = useRef(PAGE);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const again = useSubmit();

  // The newest as many as are shown (older pages loaded stay loaded).
  const load = useCallback(async () => {
    const limit = Math.min(shown.current, 100);
    const r = await api<Page>('GET', `/webhooks/${webhookId}/deliveries?limit=${limit}`);
    setItems(r.items);
    setCursor(r.nextCursor);
  }, [webhookId]);
  useEffect(() => {
    void attempt(load, setError);
  }, [load]);
  // A test just queued: said here, where its line appears, and brought into view.
  useEffect(() => {
    if (!turn) return;
    setNotice(t('webhooksAdmin.testQueued'));
    void attempt(load, setError).then(() =>
      requestAnimationFrame(() =>
        document.querySelector('.delivery-log')?.scrollIntoView({ block: 'nearest' }),
      ),
    );
  }, [turn, load, t]);
  const waiting = items?.some((d) => d.state === 'pending') ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => void attempt(load, setError), WAITING_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [waiting, load]);

  const older = async () => {
    if (!cursor) return;
    const r = await api<Page>('GET', `/webhooks/${webhookId}/deliveries?limit=${PAGE}&cursor=${cursor}`);
    setItems((xs) => [...(xs ?? []), ...r.items]);
    setCursor(r.nextCursor);
    shown.current += PAGE;
  };
  const sendAgain = async (d: Delivery) => {
    setNotice('');
    const ok = await attempt(
      () => again.run((send) => send('POST', `/webhook-deliveries/${d.id}/retry`)),
      setError,
    );
    if (ok) setNotice(t('webhooksAdmin.log.againQueued'));
    await attempt(load, (e) => e && setError(e));
  };

  const result = (a: Attempt) => {
    const ok = a.status !== null && a.status >= 200 && a.status < 300;
    // The error adds something only when it is more than the status code.
    const extra = a.error && (a.status === null || a.error !== `HTTP ${a.status}`) ? a.error : null;
    return (
      <>
        <span aria-hidden="true">{ok ? '✓ ' : '✕ '}</span>
        {a.status === null
          ? t('webhooksAdmin.log.noAnswer')
          : t('webhooksAdmin.log.http', { status: a.status })}
        {extra && (
          <>
            {': '}
            <span data-i18n-skip>{extra}</span>
          </>
        )}
      </>
    );
  };
  const after = (d: Delivery) =>
    d.state === 'pending' && d.nextAttemptAt
      ? ` · ${t('webhooksAdmin.log.nextAt', { when: when(d.nextAttemptAt) })}`
      : d.state === 'failed'
        ? ` · ${t('webhooksAdmin.log.gaveUp')}`
        : '';
  const againButton = (d: Delivery) =>
    d.state === 'pending' ? null : (
      <button
        type="button"
        className="secondary small"
        aria-describedby={`delivery-${d.id}`}
        disabled={again.busy}
        onClick={() => void sendAgain(d)}
      >
        {t('webhooksAdmin.log.again')}
      </button>
    );

  return (
    <LogSection
      id="log-h"
      level={3}
      className="delivery-log"
      title={t('webhooksAdmin.log.title')}
      hint={t('webhooksAdmin.log.hint')}
      notice={notice}
      error={error}
      count={items?.length ?? null}
      loading={t('webhooksAdmin.loading')}
      none={t('webhooksAdmin.log.none')}
      footer={
        <div className="row">
          {cursor && (
            <button type="button" className="secondary small" onClick={() => void attempt(older, setError)}>
              {t('webhooksAdmin.log.older')}
            </button>
          )}
          <button type="button" className="secondary small" onClick={() => void attempt(load, setError)}>
            {t('webhooksAdmin.log.refresh')}
          </button>
        </div>
      }
    >
      <RecordTable
        caption={t('webhooksAdmin.log.title')}
        columns={[
          t('webhooksAdmin.log.col.time'),
          t('webhooksAdmin.log.col.event'),
          t('webhooksAdmin.log.col.attempt'),
          t('webhooksAdmin.log.col.result'),
          t('webhooksAdmin.log.col.duration'),
        ]}
        action={t('webhooksAdmin.log.col.again')}
      >
        {items?.map((d) => (
          // One body a delivery: its attempts, newest first.
          <tbody key={d.id} data-delivery={d.id} data-event={d.event} data-state={d.state}>
            {d.attemptLog.length === 0 ? (
              <tr>
                <td>
                  <At iso={d.createdAt} />
                </td>
                <td id={`delivery-${d.id}`}>
                  <code data-i18n-skip>{d.event}</code>
                </td>
                <td>{t('common.dash')}</td>
                <td>
                  {t('webhooksAdmin.log.waiting')}
                  {after(d)}
                </td>
                <td>{t('common.dash')}</td>
                <td>{againButton(d)}</td>
              </tr>
            ) : (
              d.attemptLog.map((a, i) => (
                <tr key={a.attempt} data-attempt={a.attempt}>
                  <td>
                    <At iso={a.at} />
                  </td>
                  <td id={i === 0 ? `delivery-${d.id}` : undefined}>
                    <code data-i18n-skip>{d.event}</code>
                  </td>
                  <td>{a.attempt}</td>
                  <td className="wrap">
                    {result(a)}
                    {i === 0 && after(d)}
                  </td>
                  <td>{t('webhooksAdmin.log.ms', { ms: a.durationMs })}</td>
                  <td>{i === 0 && againButton(d)}</td>
                </tr>
              ))
            )}
          </tbody>
        ))}
      </RecordTable>
    </LogSection>
  );
}
