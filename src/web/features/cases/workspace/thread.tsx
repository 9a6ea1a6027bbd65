import { useEffect, useRef, useState } from 'react';
import type { MessageDto } from '../../../../shared/contracts/messages.ts';
import { can } from '../../../../shared/permissions.ts';
import { api } from '../../../app/api.ts';
import { nameOf, useColleagues } from '../../../app/use-directory.ts';
import { useSubmit } from '../../../app/use-submit.ts';
import { term, t as translate, useT } from '../../../i18n/index.ts';
import { seconds, when, whenFull } from '../../../ui/format.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import { TemplatePicker } from '../../scripts/template-picker.tsx';
import type { CaseView } from '../case-page.tsx';
import { eventDetail, eventLabel } from '../event-labels.ts';
import { MessageItem } from './message-item.tsx';

type Item =
  | { kind: 'enquiry'; at: string; who: string | null; text: string }
  | { kind: 'note'; at: string; who: string | null; text: string; public: boolean; id: string }
  | { kind: 'contact'; at: string; who: string | null; text: string; id: string }
  | { kind: 'event'; at: string; who: string | null; text: string; id: string; automatic: boolean }
  | { kind: 'message'; at: string; who: string | null; id: string; m: MessageDto };

/** Events the thread shows as items of their own (the enquiry, notes, replies, messages), not as lines. */
const SHOWN_AS_ITEMS = new Set([
  'case.created',
  'note.added',
  'reply.added',
  'message.received',
  'message.queued',
  'message.sent',
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
    ...c.timeline
      .filter((e) => !SHOWN_AS_ITEMS.has(e.kind))
      .map((e): Item => {
        const rule = typeof e.data.ruleName === 'string' ? e.data.ruleName : null;
        return {
          kind: 'event',
          id: e.id,
          at: e.at,
          who: e.actorId,
          automatic: e.actorId === null,
          text: `${eventLabel(e.kind)}${eventDetail(e)}${rule ? t('cases.eventDetail.rule', { rule }) : ''}`,
        };
      }),
  ].sort((a, b) => a.at.localeCompare(b.at));
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
                <span className="what">{it.text}</span> · {who(it.who)} · {time}
              </li>
            );
          if (it.kind === 'message')
            return <MessageItem key={it.id} m={it.m} who={who(it.who)} time={time} />;
          if (it.kind === 'contact')
            return (
              <li key={it.id} className="t-contact">
                <span className="what">{it.text}</span> · {who(it.who)} · {time}
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
      {view.writer && <Composer view={view} />}
    </>
  );
}

/**
 * Reply or internal note, with standard phrases and templates. What is typed is kept on the server
 * as the officer types (a reload, a crash or another machine loses nothing); saving it clears it.
 */
function Composer({ view }: { view: CaseView }) {
  const t = useT();
  const { ws, reload, role } = view;
  const c = ws.case;
  const [body, setBody] = useState(ws.draft?.body ?? '');
  const [visibility, setVisibility] = useState<'internal' | 'public'>(ws.draft?.visibility ?? 'internal');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<'saved' | 'saving' | 'failed' | null>(ws.draft ? 'saved' : null);
  const noting = useSubmit();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef({ body, visibility });
  latest.current = { body, visibility };
  const keep = (next: { body: string; visibility: 'internal' | 'public' }) => {
    clearTimeout(timer.current);
    setSaved('saving');
    timer.current = setTimeout(() => {
      timer.current = undefined;
      api('PUT', `/cases/${c.id}/draft`, next).then(
        () => setSaved(next.body ? 'saved' : null),
        () => setSaved('failed'),
      );
    }, 600);
  };
  // Leaving the case — another screen, a reload, the tab closed — with a change not yet kept: keep
  // it now (keepalive outlives the page; a reload runs no React clean-up, hence pagehide too).
  useEffect(() => {
    const flush = () => {
      if (timer.current === undefined) return;
      clearTimeout(timer.current);
      timer.current = undefined;
      void api('PUT', `/cases/${c.id}/draft`, latest.current, { keepalive: true }).catch(() => {});
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [c.id]);
  const change = (b: string, v = visibility) => {
    setBody(b);
    setVisibility(v);
    keep({ body: b, visibility: v });
  };
  // Phrases, templates and articles speak to the customer: they go into a reply.
  const insert = (text: string) => change(body.trim() ? `${body.trimEnd()}\n\n${text}` : text, 'public');
  // An article chosen in the context pane arrives here.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the sequence number is the trigger
  useEffect(() => {
    if (view.inserted) insert(view.inserted.text);
  }, [view.inserted?.seq]);
  const send = async () => {
    if (!body.trim()) return;
    setError(null);
    try {
      await noting.run(async (post) => {
        clearTimeout(timer.current);
        timer.current = undefined;
        // A reply to a customer who can be written to is sent (by e-mail); otherwise it is recorded.
        if (visibility === 'public' && mailable) await post('POST', `/cases/${c.id}/messages`, { body });
        else await post('POST', `/cases/${c.id}/notes`, { body, visibility });
        setBody('');
        setSaved(null);
        await reload();
      });
    } catch (e) {
      setError(e);
    }
  };
  const reply = visibility === 'public';
  // A case that came by e-mail is answered by e-mail. (A phone case's reply records what the customer
  // was told; sending it by e-mail as well is a later choice of the composer's.)
  const mailable = ws.messages.some((m) => m.channel === 'email');
  return (
    <div className={`composer ${reply ? 'reply' : 'internal'}`}>
      <div className="row">
        <div role="radiogroup" aria-label={t('thread.kind')} className="row">
          <label className="check">
            <input
              type="radio"
              name="visibility"
              checked={!reply}
              onChange={() => change(body, 'internal')}
            />{' '}
            {t('thread.note')}
          </label>
          <label className="check">
            <input type="radio" name="visibility" checked={reply} onChange={() => change(body, 'public')} />{' '}
            {t('thread.reply')}
          </label>
        </div>
        {can(role, 'templates.read') && (
          <TemplatePicker target={{ caseId: c.id }} onInsert={(t) => insert(t)} />
        )}
      </div>
      <label>
        {reply ? (mailable ? t('thread.mail.replyLabel') : t('thread.replyLabel')) : t('thread.noteLabel')}
        <textarea rows={3} value={body} onChange={(e) => change(e.target.value)} />
      </label>
      <div className="row">
        <button
          type="button"
          disabled={noting.busy || !body.trim()}
          aria-busy={noting.busy}
          onClick={() => void send()}
        >
          {reply ? (mailable ? t('thread.mail.send') : t('thread.addReply')) : t('thread.addNote')}
        </button>
        <span className="muted small" aria-live="polite">
          {saved === 'saving'
            ? t('thread.keeping')
            : saved === 'saved'
              ? t('thread.kept')
              : saved === 'failed'
                ? t('thread.notKept')
                : ''}
        </span>
      </div>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
    </div>
  );
}
