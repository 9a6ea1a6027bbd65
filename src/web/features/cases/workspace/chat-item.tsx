import type { MessageDto } from '../../../../shared/contracts/messages.ts';
import { useT } from '../../../i18n/index.ts';
import { ChatFiles } from './chat-files.tsx';

/**
 * One chat message on the case's conversation: the customer's words or an officer's, as text (a
 * visitor's message is never markup), with "Read" under an officer's message the customer has seen.
 */
export function ChatItem({
  m,
  who,
  time,
  read,
}: {
  m: MessageDto;
  who: React.ReactNode;
  time: React.ReactNode;
  read: boolean;
}) {
  const t = useT();
  const inbound = m.direction === 'inbound';
  return (
    <li className={`t-msg chat ${inbound ? 'in' : 'out'}`}>
      <p className="meta">
        <strong>{inbound ? t('chat.from') : t('chat.to')}</strong>{' '}
        {inbound ? <span data-i18n-skip>{m.from?.name ?? m.from?.address ?? ''}</span> : who} · {time}
        {!inbound && <span className="badge state ok"> {read ? t('chat.read') : t('chat.delivered')}</span>}
      </p>
      {m.text && (
        <p className="body" data-i18n-skip>
          {m.text}
        </p>
      )}
      <ChatFiles files={m.attachments} />
    </li>
  );
}
