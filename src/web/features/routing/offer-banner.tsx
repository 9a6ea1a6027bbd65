import { useEffect, useRef, useState } from 'react';
import type { RoutingOfferDto } from '../../../shared/contracts/routing.ts';
import { ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { seconds } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useNow } from '../presence/use-presence.ts';
import { useMyRouting } from './use-my-routing.ts';
import './routing.css';

/**
 * The officer's open offer, on every screen: a strip under the top bar (in the page's flow, so it
 * covers nothing and the workspaces still fit the screen) with the channel, the customer, the
 * subject's first words, the customer's wait and a countdown to the offer's time-out; Accept opens
 * the case, Decline sends it to someone else first. Announced once through a live region; never
 * takes the focus from what the officer is typing. One click is one acceptance however fast the
 * second comes (and the server accepts an offer once).
 */
export function OfferBanner({ userId }: { userId: string }) {
  const t = useT();
  const { mine, reload, setMine } = useMyRouting(userId);
  const offer = mine?.offer ?? null;
  const [error, setError] = useState<unknown>(null);
  const busy = useRef<string | null>(null);
  const [pending, setPending] = useState(false);
  const now = useNow(1000);
  const [announced, setAnnounced] = useState('');

  const channel = offer ? t(`routing.channel.${offer.channel}`) : '';
  const customer = offer?.customerName ?? t('routing.offer.unknownCustomer');
  const expiresAt = offer ? Date.parse(offer.expiresAt) : 0;
  const left = offer ? Math.max(0, Math.ceil((expiresAt - now) / 1000)) : 0;
  // What is said once an offer arrives, whole (the countdown is not read out again and again).
  const announcement = offer
    ? t('routing.offer.announce', {
        channel,
        customer,
        subject: offer.subject,
        seconds: Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000)),
      })
    : '';
  const latest = useRef(announcement);
  latest.current = announcement;

  // A new offer: announced; what was said of the last one is cleared.
  const offerId = offer?.id ?? null;
  useEffect(() => {
    busy.current = null;
    setPending(false);
    setAnnounced(offerId ? latest.current : '');
    if (offerId) setError(null);
  }, [offerId]);

  // Past its time-out the server moves it on and says so; look again in case that message was missed.
  useEffect(() => {
    if (!offerId) return;
    const id = setTimeout(() => void reload(), Math.max(0, expiresAt - Date.now()) + 1500);
    return () => clearTimeout(id);
  }, [offerId, expiresAt, reload]);

  // "That offer is gone" fades after a while.
  useEffect(() => {
    if (!error) return;
    const id = setTimeout(() => setError(null), 8000);
    return () => clearTimeout(id);
  }, [error]);

  const answer = async (o: RoutingOfferDto, how: 'accept' | 'decline') => {
    if (busy.current) return;
    busy.current = o.id;
    setPending(true);
    setError(null);
    try {
      if (how === 'accept') {
        const taken = await api<{ caseId: string }>('POST', `/routing/offers/${o.id}/accept`);
        setMine((m) => (m ? { ...m, offer: null } : m));
        go(`/cases/${taken.caseId}`);
      } else {
        await api('POST', `/routing/offers/${o.id}/decline`);
        setMine((m) => (m ? { ...m, offer: null } : m));
      }
      void reload();
    } catch (e) {
      busy.current = null;
      setPending(false);
      const gone =
        e instanceof ApiError && ['routing_offer.closed', 'routing_offer.not_found'].includes(e.problem.code);
      setError(gone ? t('routing.offer.gone') : e);
      void reload();
    }
  };

  return (
    <>
      <div className="sr-only" aria-live="assertive" aria-atomic="true">
        {announced}
      </div>
      {offer && (
        <section
          className={`offer-banner offer-${offer.channel}`}
          aria-labelledby="offer-title"
          data-offer={offer.id}
        >
          <h2 id="offer-title">{t('routing.offer.title', { channel })}</h2>
          <span className="offer-customer" data-i18n-skip>
            {customer}
          </span>
          <span className="offer-subject" data-i18n-skip title={offer.subject}>
            {offer.subject}
          </span>
          <span className="offer-wait">
            {t('routing.offer.waiting', {
              d: seconds(Math.max(0, Math.floor((now - Date.parse(offer.enqueuedAt)) / 1000))),
            })}
          </span>
          <span className={`offer-left${left <= 10 ? ' offer-urgent' : ''}`} role="timer" aria-live="off">
            {left > 0 ? t('routing.offer.left', { s: left }) : t('routing.offer.expired')}
          </span>
          <button
            id="offer-accept"
            type="button"
            className="primary"
            disabled={pending}
            onClick={() => void answer(offer, 'accept')}
          >
            {t('routing.offer.accept')}
          </button>
          <button type="button" disabled={pending} onClick={() => void answer(offer, 'decline')}>
            {t('routing.offer.decline')}
          </button>
        </section>
      )}
      {error ? (
        <p className="offer-error" role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </>
  );
}
