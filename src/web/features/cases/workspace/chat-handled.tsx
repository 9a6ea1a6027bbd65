import { useState } from 'react';
import type { CaseChatDto } from '../../../../shared/contracts/chat.ts';
import { can } from '../../../../shared/permissions.ts';
import { api } from '../../../app/api.ts';
import { nameOf, useColleagues } from '../../../app/use-directory.ts';
import { useT } from '../../../i18n/index.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import type { CaseView } from '../case-page.tsx';

/**
 * A live chat another officer handles, as everyone else with the case sees it: read-only, who has
 * it, and an internal note below (the composer). A leader may end it (the server checks their team
 * and audits it); there is no take-over: a chat moves by Transfer.
 */
export function ChatHandled({ view, chat }: { view: CaseView; chat: CaseChatDto }) {
  const t = useT();
  const people = useColleagues();
  const [error, setError] = useState<unknown>(null);
  const leader = view.writer && can(view.role, 'presence.team');
  const end = async () => {
    try {
      await api('POST', `/cases/${chat.caseId}/chat/end`);
      view.refreshChat();
      await view.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div className="composer chat-box chat-handled">
      <div className="row">
        <strong className="chat-status">
          {t('chat.handledBy', { name: chat.officerId ? nameOf(people, chat.officerId) : '' })}
        </strong>
        {leader && (
          <button type="button" onClick={() => void end()}>
            {t('chat.end')}
          </button>
        )}
      </div>
      <p className="muted">{t('chat.readOnly')}</p>
      {error !== null && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
    </div>
  );
}
