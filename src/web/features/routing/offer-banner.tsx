import { useEffect, useRef, useState } from 'react';
import type { RoutingOfferDto } from '../../../shared/contracts/routing.ts';
import { ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { seconds } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useNow } from '../presence/use-presence.ts';
import { secondsLeft, secondsSince } from './offer-clock.ts';
import { type MyRouting, useMyRouting } from './use-my-routing.ts';
import './routing.css';

type Said = 'declined' | 'timedOut';

/**
 * The officer's open offers, on every screen: a strip under the top bar (in the page's flow, so it
 * covers nothing and the workspaces still fit the screen), one compact line an offer, oldest first,
 * each with the channel, the customer, the subject's first words, the customer's wait, its own
 * countdown to its time-out (on the server's clock) and Accept / Decline. Every open offer is shown
 * at once, as Omni-Channel does: holding a second one back while the first is answered spent its
 * time-out unseen. Each is announced once, when it arrives, through a live region; the strip never
 * takes the focus from what the officer is typing. One click is one acceptance however fast the
 * second comes (and the server accepts an offer once). A decline, or a time-out, says where the
 * item went.
 */
export function OfferBanner({ userId }: { userId: string }) {
  const t = useT();
  const { mine, reload, setMine } = useMyRouting(userId);
  const offers = mine?.offers ?? [];
  const skew = mine?.skewMs ?? 0;
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState<Said | null>(null);
  const busy = useRef(new Set<string>());
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const now = useNow(1000);
  const [announced, setAnnounced] = useState('');

  const channelOf = (o: RoutingOfferDto) => t(`routing.channel.${o.channel}`);
  const customerOf = (o: RoutingOfferDto) => o.customerName ?? t('routing.offer.unknownCustomer');
  // What is said once an offer arrives, whole (the countdown is not read out again and again).
  const announce = (o: RoutingOfferDto) =>
    t('routing.offer.announce', {
      channel: channelOf(o),
      customer: customerOf(o),
      subject: o.subject,
      seconds: secondsLeft(o, Date.now(), skew),
    });
  const latest = useRef({ offers, announce, skew });
  latest.current = { offers, announce, skew };

  // New offers are announced (each once); offers gone unanswered past their time say so.
  const shown = useRef<RoutingOfferDto[]>([]);
  const ids = offers.map((o) => o.id).join(' ');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the ids are the trigger; the rest is read fresh
  useEffect(() => {
    const { offers: current, announce: say, skew: s } = latest.current;
    const before = new Set(shown.current.map((o) => o.id));
    const fresh = current.filter((o) => !before.has(o.id));
    const gone = shown.current.filter((o) => !current.some((c) => c.id === o.id) && !busy.current.has(o.id));
    shown.current = current;
    for (const id of [...busy.current]) if (!current.some((o) => o.id === id)) busy.current.delete(id);
    setPending(new Set(busy.current));
    if (fresh.length) {
      setAnnounced(fresh.map(say).join(' '));
      setError(null);
      setSaid(null);
    } else if (!current.length) setAnnounced('');
    if (gone.some((o) => secondsLeft(o, Date.now(), s) === 0)) setSaid('timedOut');
  }, [ids]);

  // Past the first time-out the server moves that offer on and says so; look again in case that
  // message was missed.
  const soonest = offers.reduce((m, o) => Math.min(m, Date.parse(o.expiresAt)), Number.POSITIVE_INFINITY);
  useEffect(() => {
    if (!Number.isFinite(soonest)) return;
    const id = setTimeout(() => void reload(), Math.max(0, soonest - (Date.now() + skew)) + 1500);
    return () => clearTimeout(id);
  }, [soonest, skew, reload]);

  // "That offer is gone" and "Declined — …" fade after a while.
  useEffect(() => {
    if (!error && !said) return;
    const id = setTimeout(() => {
      setError(null);
      setSaid(null);
    }, 8000);
    return () => clearTimeout(id);
  }, [error, said]);

  const drop = (id: string) =>
    setMine((m: MyRouting | null) => {
      if (!m) return m;
      const rest = m.offers.filter((x) => x.id !== id);
      return { ...m, offers: rest, offer: rest[0] ?? null };
    });

  const answer = async (o: RoutingOfferDto, how: 'accept' | 'decline') => {
    if (busy.current.has(o.id)) return;
    busy.current.add(o.id);
    setPending(new Set(busy.current));
    setError(null);
    setSaid(null);
    try {
      if (how === 'accept') {
        const taken = await api<{ caseId: string }>('POST', `/routing/offers/${o.id}/accept`);
        drop(o.id);
        go(`/cases/${taken.caseId}`);
      } else {
        await api('POST', `/routing/offers/${o.id}/decline`);
        drop(o.id);
        setSaid('declined');
      }
      void reload();
    } catch (e) {
      busy.current.delete(o.id);
      setPending(new Set(busy.current));
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
      {offers.length > 0 && (
        <div className="offer-stack">
          {offers.map((o) => {
            const left = secondsLeft(o, now, skew);
            const titleId = `offer-title-${o.id}`;
            return (
              <section
                key={o.id}
                className={`offer-banner offer-${o.channel}`}
                aria-labelledby={titleId}
                data-offer={o.id}
              >
                <h2 id={titleId}>{t('routing.offer.title', { channel: channelOf(o) })}</h2>
                <span className="offer-customer" data-i18n-skip>
                  {customerOf(o)}
                </span>
                <span className="offer-subject" data-i18n-skip title={o.subject}>
                  {o.subject}
                </span>
                <span className="offer-wait">
                  {t('routing.offer.waiting', { d: seconds(secondsSince(o.enqueuedAt, now, skew)) })}
                </span>
                <span
                  className={`offer-left${left <= 10 ? ' offer-urgent' : ''}`}
                  role="timer"
                  aria-live="off"
                >
                  {left > 0 ? t('routing.offer.left', { s: left }) : t('routing.offer.expired')}
                </span>
                <button
                  type="button"
                  className="primary"
                  disabled={pending.has(o.id)}
                  onClick={() => void answer(o, 'accept')}
                >
                  {t('routing.offer.accept')}
                </button>
                <button type="button" disabled={pending.has(o.id)} onClick={() => void answer(o, 'decline')}>
                  {t('routing.offer.decline')}
                </button>
              </section>
            );
          })}
        </div>
      )}
      {/* Always there, so that what it says is announced (a live region added with its words is not). */}
      <p className="offer-said" role="status">
        {said ? t(said === 'declined' ? 'routing.offer.declined' : 'routing.offer.timedOut') : ''}
      </p>
      {error ? (
        <p className="offer-error" role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
    </>
  );
}
