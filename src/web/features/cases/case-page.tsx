import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseChatDto } from '../../../shared/contracts/chat.ts';
import type { CaseWorkspaceDto } from '../../../shared/contracts/workspace.ts';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import type { ProblemDto } from '../../app/types.ts';
import { useT } from '../../i18n/index.ts';
import { History } from '../history/history.tsx';
import { Conflict } from './conflict.tsx';
import { useCaseChat } from './workspace/chat-box.tsx';
import { ContextPane } from './workspace/context-pane.tsx';
import { Properties } from './workspace/properties.tsx';
import { Thread } from './workspace/thread.tsx';
import { TransferButton, TransferContext } from './workspace/transfer-dialog.tsx';
import './cases.css';

/** What every pane of the workspace is given: the case as shown, who is looking, and how to write. */
export interface CaseView {
  ws: CaseWorkspaceDto;
  userId: string;
  role: string;
  /** May change the case (cases.write): a trainer reads and is offered no change. */
  writer: boolean;
  /** Headers that name the version shown: a write against an older one is refused (412). */
  ifMatch: { headers: Record<string, string> };
  reload(): Promise<void>;
  /** A write was refused because someone changed the case meanwhile. */
  onConflict(p: ProblemDto): void;
  /** The case cannot be changed until the newer version is loaded. */
  blocked: boolean;
  /** Put text (an article's answer) into the composer's reply. */
  insert(text: string): void;
  inserted: { text: string; seq: number } | null;
  /** The case's web chat (null: none), asked once for the thread and the context pane. */
  chat: CaseChatDto | null;
  refreshChat(): void;
}

/**
 * The case workspace (issue 12): properties on the left, the whole conversation in the middle with
 * the composer at its foot, the customer and knowledge on the right. The page never scrolls at
 * 1280×720; each pane scrolls on its own, so the officer records while the customer talks.
 */
export function CasePage({ id, userId, role = '' }: { id: string; userId: string; role?: string }) {
  const t = useT();
  const [ws, setWs] = useState<CaseWorkspaceDto | null>(null);
  const [missing, setMissing] = useState(false);
  const [conflict, setConflict] = useState<ProblemDto | null>(null);
  const [tab, setTab] = useState<'conversation' | 'history'>('conversation');
  const [inserted, setInserted] = useState<{ text: string; seq: number } | null>(null);
  const shown = useRef(0);
  const [chat, refreshChat] = useCaseChat(id, ws?.case.id === id ? ws.messages.length : null);
  const load = useCallback(async () => {
    try {
      const next = await api<CaseWorkspaceDto>('GET', `/cases/${id}/workspace`);
      shown.current = next.case.version;
      setWs(next);
    } catch {
      setMissing(true);
    }
  }, [id]);
  useEffect(() => {
    setWs(null);
    setConflict(null);
    void load();
  }, [load]);
  // Someone else (or another tab) changed the case: show it now. Notes carry no version, so they
  // always reload; a change this page already shows does not.
  useInvalidation(`case:${id}`, (inv) => {
    if (inv.type === 'resync' || (inv.version ?? Number.POSITIVE_INFINITY) > shown.current) void load();
  });
  if (missing && !ws) return <p role="alert">{t('cases.loadFailed')}</p>;
  if (!ws) return <p>{t('common.loading')}</p>;
  const c = ws.case;
  const view: CaseView = {
    ws,
    userId,
    role,
    writer: can(role, 'cases.write'),
    ifMatch: { headers: { 'if-match': `"${c.version}"` } },
    reload: load,
    onConflict: setConflict,
    blocked: conflict !== null,
    insert: (text) => {
      setTab('conversation');
      setInserted((p) => ({ text, seq: (p?.seq ?? 0) + 1 }));
    },
    inserted,
    chat,
    refreshChat,
  };
  return (
    <div className="ws">
      <Properties view={view} />
      <section className="ws-thread" aria-label={t('cases.conversationAndHistory')}>
        <header className="ws-head">
          <h1 title={c.subject} data-i18n-skip>
            <span className="ref">{c.reference}</span> {c.subject}
          </h1>
          <div role="tablist" aria-label={t('cases.caseViews')} className="tabs">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'conversation'}
              onClick={() => setTab('conversation')}
            >
              {t('cases.tabConversation')}
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'history'}
              onClick={() => setTab('history')}
            >
              {t('cases.tabHistory')}
            </button>
          </div>
          <TransferButton view={view} />
        </header>
        <TransferContext caseId={c.id} />
        {conflict && (
          <Conflict
            problem={conflict}
            onReload={() => {
              setConflict(null);
              void load();
            }}
          />
        )}
        {tab === 'conversation' ? (
          <Thread view={view} />
        ) : (
          <div className="ws-scroll">
            <History entity="case" id={id} />
          </div>
        )}
      </section>
      <ContextPane view={view} />
    </div>
  );
}
