import { useEffect, useRef, useState } from 'react';
import type { CaseChatDto } from '../../../../shared/contracts/chat.ts';
import type { MessageUploadDto } from '../../../../shared/contracts/messages.ts';
import { can } from '../../../../shared/permissions.ts';
import { api } from '../../../app/api.ts';
import { useInvalidation } from '../../../app/live.tsx';
import { useT } from '../../../i18n/index.ts';
import { languageName } from '../../../ui/format.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import { TemplatePicker } from '../../scripts/template-picker.tsx';
import type { CaseView } from '../case-page.tsx';
import { ChatAttach } from './chat-files.tsx';
import '../../chat/chat.css';

/**
 * The case's web chat, kept fresh by the case room's invalidations; null when the case has none (the
 * API answers null, not an error). Asked once the workspace is loaded (`messageCount` not null), by
 * the case page alone: the thread and the context pane share its answer.
 */
export function useCaseChat(caseId: string, messageCount: number | null): [CaseChatDto | null, () => void] {
  const [chat, setChat] = useState<CaseChatDto | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the message count and tick are the triggers
  useEffect(() => {
    if (messageCount === null) return;
    let live = true;
    api<CaseChatDto | null>('GET', `/cases/${caseId}/chat`).then(
      (c) => live && setChat(c),
      () => live && setChat(null),
    );
    return () => {
      live = false;
    };
  }, [caseId, messageCount, tick]);
  useInvalidation(`case:${caseId}`, (inv) => {
    if (inv.type === 'case.chat_read' || inv.type === 'case.chat_changed') setTick((n) => n + 1);
  });
  // Another case opened: the previous one's chat is not this one's while its own is asked for.
  return [chat?.caseId === caseId ? chat : null, () => setTick((n) => n + 1)];
}

/** Whether the viewer may write in the chat: its handler, or anyone while nobody has answered it. */
export const mayWriteIn = (chat: CaseChatDto, userId: string) =>
  chat.status === 'waiting' || chat.officerId === userId;

/**
 * The officer's chat box (issue 14, point 4): Enter sends (Shift+Enter a new line), each message with
 * a client id so a retry is one message; standard phrases through the template picker, articles from
 * the context pane's suggestions (inserted here while the chat is live); "the customer is typing",
 * our typing passed on, read marks, end chat.
 */
export function ChatBox({ view, chat, onNote }: { view: CaseView; chat: CaseChatDto; onNote(): void }) {
  const t = useT();
  const c = view.ws.case;
  const [text, setText] = useState('');
  const [files, setFiles] = useState<MessageUploadDto[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [customerTyping, setCustomerTyping] = useState(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const sentTyping = useRef(0);
  const stopTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const area = useRef<HTMLTextAreaElement>(null);
  const firstInsert = useRef(view.inserted?.seq);
  // Bumped by an insert: the text area gets the focus back, its caret after what was inserted.
  const [inserts, setInserts] = useState(0);
  const insert = (add: string) => {
    setText((b) => (b.trim() ? `${b.trimEnd()}\n${add}` : add));
    setInserts((n) => n + 1);
  };
  useEffect(() => {
    const el = area.current;
    if (!inserts || !el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, [inserts]);

  useInvalidation(`case:${c.id}`, (inv) => {
    if (inv.type !== 'case.chat_typing') return;
    clearTimeout(typingTimer.current);
    setCustomerTyping(Boolean(inv.version));
    if (inv.version) typingTimer.current = setTimeout(() => setCustomerTyping(false), 6000);
  });
  useEffect(() => () => clearTimeout(typingTimer.current), []);
  // What the customer wrote is read once it is on the screen of the officer handling the chat (no
  // one else's reading counts, nor anyone's before the chat is answered).
  const handler = chat.status !== 'waiting' && chat.officerId === view.userId;
  useEffect(() => {
    if (handler && chat.lastSeq > chat.officerReadSeq && document.visibilityState !== 'hidden')
      void api('POST', `/cases/${c.id}/chat/read`, { seq: chat.lastSeq }).catch(() => {});
  }, [c.id, handler, chat.lastSeq, chat.officerReadSeq]);
  // An article chosen in the context pane goes into the chat while it is live.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the sequence number is the trigger
  useEffect(() => {
    if (!view.inserted || view.inserted.seq === firstInsert.current) return;
    insert(view.inserted.text);
  }, [view.inserted?.seq]);

  const typing = (on: boolean) => {
    void api('POST', `/cases/${c.id}/chat/typing`, { typing: on }).catch(() => {});
  };
  const onInput = (v: string) => {
    setText(v);
    const now = Date.now();
    if (now - sentTyping.current > 3000) {
      sentTyping.current = now;
      typing(true);
    }
    clearTimeout(stopTimer.current);
    stopTimer.current = setTimeout(() => {
      sentTyping.current = 0;
      typing(false);
    }, 4000);
  };
  const send = async () => {
    const body = text.trim();
    if ((!body && !files.length) || busy) return;
    const attachmentIds = files.length ? { attachmentIds: files.map((f) => f.id) } : {};
    setBusy(true);
    setError(null);
    const clientId = crypto.randomUUID();
    try {
      // A network hiccup: the same client id again is the same message, never a second one.
      const msg = { clientId, text: body, ...attachmentIds };
      await api('POST', `/cases/${c.id}/chat/messages`, msg).catch(async (e) => {
        if (!(e instanceof TypeError)) throw e;
        return api('POST', `/cases/${c.id}/chat/messages`, msg);
      });
      setText('');
      setFiles([]);
      clearTimeout(stopTimer.current);
      sentTyping.current = 0;
      await view.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      area.current?.focus();
    }
  };
  const end = async () => {
    try {
      await api('POST', `/cases/${c.id}/chat/end`);
      await view.reload();
    } catch (e) {
      setError(e);
    }
  };
  const status =
    chat.status === 'waiting'
      ? t('chat.waiting', { position: chat.position ?? 1 })
      : chat.status === 'active'
        ? t('chat.active', { name: chat.visitorName })
        : t('chat.ended');
  return (
    <div className="composer chat-box">
      <div className="row">
        <strong className="chat-status">{status}</strong>
        {chat.language && (
          <span data-testid="chat-box-language">
            {t('chat.language', { language: languageName(chat.languageTag ?? chat.language) })}
          </span>
        )}
        {chat.identifiedBySite && <span className="badge">{t('chat.identified')}</span>}
        {can(view.role, 'templates.read') && <TemplatePicker target={{ caseId: c.id }} onInsert={insert} />}
        <button type="button" className="link" onClick={onNote}>
          {t('chat.note')}
        </button>
        <button type="button" onClick={() => void end()}>
          {t('chat.end')}
        </button>
      </div>
      <p className="chat-typing" aria-live="polite">
        {customerTyping ? t('chat.typing', { name: chat.visitorName }) : ''}
      </p>
      <label>
        {t('chat.box', { name: chat.visitorName })}
        <textarea
          ref={area}
          rows={2}
          value={text}
          maxLength={2000}
          aria-describedby="chat-hint"
          onChange={(e) => onInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void send();
            }
          }}
        />
      </label>
      <div className="row">
        <small id="chat-hint">{t('chat.hint')}</small>
        <ChatAttach caseId={c.id} files={files} onChange={setFiles} />
        <button
          type="button"
          className="primary"
          disabled={busy || (!text.trim() && !files.length)}
          onClick={() => void send()}
        >
          {busy ? t('chat.sending') : t('chat.send')}
        </button>
      </div>
      {error !== null && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
    </div>
  );
}
