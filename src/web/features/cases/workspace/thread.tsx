import { useEffect, useRef, useState } from 'react';
import type { MessageDto } from '../../../../shared/contracts/messages.ts';
import { nameOf, useColleagues } from '../../../app/use-directory.ts';
import { term, t as translate, useT } from '../../../i18n/index.ts';
import { seconds, when, whenFull } from '../../../ui/format.ts';
import type { CaseView } from '../case-page.tsx';
import { timelineLines, untakenByCustomer, useTimelineNames } from '../event-labels.ts';
import { ChatBox, mayWriteIn } from './chat-box.tsx';
import { ChatHandled } from './chat-handled.tsx';
import { ChatItem } from './chat-item.tsx';
import { Composer } from './composer.tsx';
import { MessageItem } from './message-item.tsx';

type Item =
  | { kind: 'enquiry'; at: string; who: string | null; text: string }
  | { kind: 'note'; at: string; who: string | null; text: string; public: boolean; id: string }
  | { kind: 'contact'; at: string; who: string | null; text: string; id: string; by: string | null }
  | {
      kind: 'event';
      at: string;
      who: string | null;
      text: string;
      id: string;
      automatic: boolean;
      by: string | null;
    }
  | { kind: 'message'; at: string; who: string | null; id: string; m: MessageDto };

/** Events the thread shows as items of their own (the enquiry, notes, replies, messages), not as lines. */
const SHOWN_AS_ITEMS = new Set([
  'case.created',
  'note.added',
  'reply.added',
  'message.received',
  'message.queued',
  'message.sent',
  // The message itself shows it (two ticks); a bounce stays a line of its own, as an alert.
  'message.delivered',
]);
const CHANNELS = new Set(['phone', 'walk_in', 'email', 'chat', 'sms']);
/** A contact's channel as the thread names it ("Phone call"); a newer channel in plain words. */
const channelName = (ch: string) =>
  CHANNELS.has(ch) ? translate(`thread.channel.${ch as 'phone'}`) : term('channel', ch);

/**
 * Everything on the case in the order it happened — the enquiry in full, each contact, replies and
 * internal notes (each with its author and time), referrals, signposts, status changes, service-level
 * events and what automatic rules did — with the composer at the foot.
 */
export function Thread({ view }: { view: CaseView }) {
  const t = useT();
  const { ws } = view;
  const c = ws.case;
  const people = useColleagues();
  const names = useTimelineNames(ws.customer?.displayName ?? null);
  // A case opened by an e-mail: the mail is the enquiry, shown once (as the message).
  const byMail = ws.messages.some((m) => m.direction === 'inbound' && m.createdAt === c.createdAt);
  const items: Item[] = [
    ...(byMail
      ? []
      : [
          {
            kind: 'enquiry' as const,
            at: c.createdAt,
            who: c.createdBy,
            text: c.description?.trim() || c.subject,
          },
        ]),
    ...ws.messages.map((m): Item => ({ kind: 'message', id: m.id, at: m.createdAt, who: m.authorId, m })),
    // An e-mail that came in is shown as its message, not again as a contact line.
    ...ws.contacts
      .filter((x) => !(x.channel === 'email' && x.direction === 'inbound' && ws.messages.length))
      .map(
        (x): Item => ({
          kind: 'contact',
          id: x.id,
          at: x.startedAt,
          who: x.officerId,
          by: untakenByCustomer(x, names.customer),
          text: [
            channelName(x.channel),
            term('direction', x.direction),
            x.durationSeconds != null
              ? seconds(x.durationSeconds)
              : x.endedAt
                ? null
                : t('thread.inProgress'),
          ]
            .filter(Boolean)
            .join(' · '),
        }),
      ),
    ...c.notes.map(
      (n): Item => ({
        kind: 'note',
        id: n.id,
        at: n.createdAt,
        who: n.authorId,
        text: n.body,
        public: n.visibility === 'public',
      }),
    ),
    // In words (event-labels.ts): who was assigned, where a transfer went, the customer's own acts.
    ...timelineLines(
      c.timeline.filter((e) => !SHOWN_AS_ITEMS.has(e.kind)),
      names,
    ).map(
      (e): Item => ({
        kind: 'event',
        id: e.id,
        at: e.at,
        who: e.actorId,
        automatic: e.actorId === null && e.by === null,
        text: e.text,
        by: e.by,
      }),
    ),
  ].sort((a, b) => a.at.localeCompare(b.at));
  // A web chat on the case (issue 14): its box replaces the composer while it is live, for the
  // officer handling it (or anyone, while nobody has answered it); everyone else reads it and notes.
  const { chat } = view;
  const [noting, setNoting] = useState(false);
  const chatLive = chat !== null && chat.status !== 'ended';
  const chatMine = chatLive && mayWriteIn(chat, view.userId);
  const list = useRef<HTMLOListElement>(null);
  // The newest item in sight when the case opens and when something is added — by scrolling the
  // thread itself (scrollIntoView would scroll the page too).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the count is the trigger
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [items.length]);
  // A person's name is data, not a string of the catalogue.
  const who = (id: string | null) =>
    id ? <span data-i18n-skip>{nameOf(people, id)}</span> : t('common.automatic');

  return (
    <>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard (WCAG 2.1.1) */}
      <ol ref={list} className="thread ws-scroll" aria-label={t('thread.conversation')} tabIndex={0}>
        {items.map((it) => {
          const time = (
            <time dateTime={it.at} title={whenFull(it.at)}>
              {when(it.at)}
            </time>
          );
          if (it.kind === 'event')
            return (
              <li key={it.id} className={`t-event${it.automatic ? ' auto' : ''}`}>
                <span className="what">{it.text}</span> · {it.by ?? who(it.who)} · {time}
              </li>
            );
          if (it.kind === 'message' && it.m.channel === 'chat')
            return (
              <ChatItem
                key={it.id}
                m={it.m}
                who={who(it.who)}
                time={time}
                read={(chat?.seqs[it.m.id] ?? Number.POSITIVE_INFINITY) <= (chat?.visitorReadSeq ?? 0)}
              />
            );
          if (it.kind === 'message')
            return <MessageItem key={it.id} m={it.m} who={who(it.who)} time={time} />;
          if (it.kind === 'contact')
            return (
              <li key={it.id} className="t-contact">
                <span className="what">{it.text}</span> · {it.by ?? who(it.who)} · {time}
              </li>
            );
          const label =
            it.kind === 'enquiry' ? t('thread.enquiry') : it.public ? t('thread.reply') : t('thread.note');
          return (
            <li
              key={it.kind === 'enquiry' ? 'enquiry' : it.id}
              className={`t-msg ${it.kind === 'enquiry' ? 'enquiry' : it.public ? 'reply' : 'internal'}`}
            >
              <p className="meta">
                <strong>{label}</strong> · {who(it.who)} · {time}
              </p>
              <p className="body" data-i18n-skip>
                {it.text}
              </p>
            </li>
          );
        })}
      </ol>
      {view.writer && chatMine && !noting && (
        <ChatBox view={view} chat={chat} onNote={() => setNoting(true)} />
      )}
      {view.writer && chatMine && noting && (
        <button type="button" className="link chat-back" onClick={() => setNoting(false)}>
          {t('chat.backToChat')}
        </button>
      )}
      {chatLive && !chatMine && <ChatHandled view={view} chat={chat} />}
      {view.writer && (!chatMine || noting) && <Composer view={view} />}
    </>
  );
}
