import { useEffect, useRef, useState } from 'react';
import type { MessageDto, MessageRecipientsDto } from '../../../../shared/contracts/messages.ts';
import { can } from '../../../../shared/permissions.ts';
import { api } from '../../../app/api.ts';
import { useSubmit } from '../../../app/use-submit.ts';
import { useT } from '../../../i18n/index.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import { TemplatePicker } from '../../scripts/template-picker.tsx';
import type { CaseView } from '../case-page.tsx';
import { FormatBar, formatShortcut } from './format-bar.tsx';
import { badAddresses, ccList, MailCompose, type MailExtras } from './mail-compose.tsx';
import { SmsCompose, useSmsRecipient } from './sms-compose.tsx';

const NO_EXTRAS: MailExtras = { cc: '', files: [] };

/**
 * The customer's last e-mail or text is the last word on the case: it awaits an answer, so the
 * composer opens on a reply (by e-mail or SMS, as the case came) rather than an internal note.
 */
export function awaitsAnswer(messages: readonly Pick<MessageDto, 'channel' | 'direction' | 'createdAt'>[]) {
  let last: Pick<MessageDto, 'direction' | 'createdAt'> | null = null;
  for (const m of messages)
    if ((m.channel === 'email' || m.channel === 'sms') && (!last || m.createdAt >= last.createdAt)) last = m;
  return last?.direction === 'inbound';
}

/**
 * Reply or internal note, with standard phrases and templates. What is typed is kept on the server
 * as the officer types (a reload, a crash or another machine loses nothing); saving it clears it.
 * A reply to a customer with an e-mail address can be sent by e-mail — by default when the case came
 * by e-mail, on request otherwise (a phone case's reply may only record what the customer was told)
 * — with more people copied and files attached.
 */
export function Composer({ view }: { view: CaseView }) {
  const t = useT();
  const { ws, reload, role } = view;
  const c = ws.case;
  const [body, setBody] = useState(ws.draft?.body ?? '');
  const [visibility, setVisibility] = useState<'internal' | 'public'>(
    ws.draft?.visibility ?? (awaitsAnswer(ws.messages) ? 'public' : 'internal'),
  );
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<'saved' | 'saving' | 'failed' | null>(ws.draft ? 'saved' : null);
  const [recipients, setRecipients] = useState<MessageRecipientsDto | null>(null);
  // The officer's choice to send by e-mail or not; null: the case's default.
  const [byMailChoice, setByMailChoice] = useState<boolean | null>(null);
  const [extras, setExtras] = useState<MailExtras>(NO_EXTRAS);
  // The officer's choice to send by SMS or not; null: the case's default (by SMS when it came so).
  const [bySmsChoice, setBySmsChoice] = useState<boolean | null>(null);
  const sms = useSmsRecipient(c.id, ws.messages.length + c.timeline.length);
  const noting = useSubmit();
  const area = useRef<HTMLTextAreaElement>(null);
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
  // Who a reply would go to; asked again when the conversation changes (a new follower copied).
  // biome-ignore lint/correctness/useExhaustiveDependencies: the message count is the trigger
  useEffect(() => {
    let live = true;
    api<MessageRecipientsDto>('GET', `/cases/${c.id}/message-recipients`).then(
      (r) => live && setRecipients(r),
      // Without it the composer still records replies, and sends those of a case that came by e-mail.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [c.id, ws.messages.length]);
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

  const reply = visibility === 'public';
  const cameByMail = recipients ? recipients.byEmail : ws.messages.some((m) => m.channel === 'email');
  // Until the recipients are known, a case that came by e-mail is taken to have an address.
  const mailable = recipients ? recipients.to !== null : cameByMail;
  const byMail = reply && mailable && (byMailChoice ?? cameByMail);
  const textable = Boolean(sms?.to && sms.from);
  const bySms = reply && !byMail && textable && (bySmsChoice ?? Boolean(sms?.bySms));

  const send = async () => {
    if (!body.trim()) return;
    setError(null);
    const cc = ccList(extras.cc);
    try {
      await noting.run(async (post) => {
        clearTimeout(timer.current);
        timer.current = undefined;
        if (bySms) await post('POST', `/cases/${c.id}/sms`, { body });
        else if (byMail)
          await post('POST', `/cases/${c.id}/messages`, {
            body,
            ...(cc.length ? { cc } : {}),
            ...(extras.files.length ? { attachmentIds: extras.files.map((f) => f.id) } : {}),
          });
        else await post('POST', `/cases/${c.id}/notes`, { body, visibility });
        setBody('');
        setSaved(null);
        setExtras(NO_EXTRAS);
        await reload();
      });
    } catch (e) {
      setError(e);
    }
  };
  const ccBad = byMail && badAddresses(extras.cc).length > 0;
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
        {reply && mailable && (
          <label className="check">
            <input type="checkbox" checked={byMail} onChange={(e) => setByMailChoice(e.target.checked)} />{' '}
            {t('thread.mail.sendByMail')}
          </label>
        )}
        {reply && textable && !byMail && (
          <label className="check">
            <input type="checkbox" checked={bySms} onChange={(e) => setBySmsChoice(e.target.checked)} />{' '}
            {t('sms.sendBySms')}
          </label>
        )}
        {can(role, 'templates.read') && (
          <TemplatePicker target={{ caseId: c.id }} onInsert={(t) => insert(t)} />
        )}
      </div>
      {byMail && recipients && (
        <MailCompose
          caseId={c.id}
          recipients={recipients}
          extras={extras}
          onChange={setExtras}
          error={error}
        />
      )}
      {byMail && <FormatBar area={area} value={body} onChange={(v) => change(v)} />}
      {bySms && sms && <SmsCompose recipient={sms} body={body} />}
      <label>
        {reply
          ? bySms
            ? t('sms.replyLabel')
            : byMail
              ? t('thread.mail.replyLabel')
              : t('thread.replyLabel')
          : t('thread.noteLabel')}
        <textarea
          ref={area}
          rows={3}
          value={body}
          onChange={(e) => change(e.target.value)}
          onKeyDown={
            byMail ? (e) => formatShortcut(e, body, (v) => change(v), t('thread.format.linkText')) : undefined
          }
        />
      </label>
      <div className="row">
        <button
          type="button"
          disabled={noting.busy || !body.trim() || ccBad || (bySms && sms?.optedOut)}
          aria-busy={noting.busy}
          onClick={() => void send()}
        >
          {reply
            ? bySms
              ? t('sms.send')
              : byMail
                ? t('thread.mail.send')
                : t('thread.addReply')
            : t('thread.addNote')}
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
