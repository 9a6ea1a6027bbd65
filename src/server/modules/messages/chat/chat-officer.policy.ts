import { can } from '../../../../shared/permissions.ts';
import type { Actor } from '../../../platform/audit.ts';
import type { Executor } from '../../../platform/db/index.ts';
import { AppError } from '../../../platform/errors.ts';
import type { ConversationRow } from './chat-store.ts';

/** What an officer does in a case's chat besides reading it. */
export type ChatAct = 'write' | 'read' | 'end';

/** On what footing the act is allowed (a leader's end of someone else's chat is audited). */
export type ChatFooting = 'handler' | 'unanswered' | 'leader';

/**
 * Who may act in a case's chat (as in Zendesk and Chatwoot): the officer handling it writes to the
 * customer (and types to them), marks what they wrote read and ends it; everyone else with the case
 * reads it and adds internal notes. A waiting chat has no handler: anyone who writes on cases may
 * answer it (the first answer takes it, chat-take.ts) or end it, but nobody's reading counts. A
 * leader of the chat's team, a supervisor or an administrator may also end a chat someone else
 * handles (an officer gone, a customer abusive), never write in it. There is no take-over: a chat
 * moves by routing's transfer (audited; back to the team's queue, it is again anyone's first
 * answer). Call with the conversation locked.
 */
export async function chatFooting(
  trx: Executor,
  actor: Actor,
  conv: ConversationRow,
  act: ChatAct,
): Promise<ChatFooting> {
  const handler = conv.status === 'waiting' ? null : conv.officer_id;
  if (handler !== null && handler === actor.userId) return 'handler';
  if (handler === null && act !== 'read') return 'unanswered';
  if (act === 'end' && (await leads(trx, actor, conv.team_id))) return 'leader';
  throw new AppError('chat.not_yours');
}

/** A supervisor or an administrator; a team leader only of the chat's team (as routing's transfer). */
async function leads(trx: Executor, actor: Actor, teamId: string | null): Promise<boolean> {
  if (!can(actor.role, 'presence.team')) return false;
  if (actor.role !== 'team_leader') return true;
  const own =
    actor.teamId !== undefined
      ? actor.teamId
      : ((await trx.selectFrom('users').select('team_id').where('id', '=', actor.userId).executeTakeFirst())
          ?.team_id ?? null);
  return own !== null && own === teamId;
}
