import type { Selectable } from 'kysely';
import type { RoutedChannel } from '../../../shared/contracts/routing.ts';
import type {
  RoutingTransferDto,
  RoutingTransferTargetsDto,
} from '../../../shared/contracts/routing-transfer.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { RoutingTransfersTable } from '../../platform/db/schema.ts';
import { DEFAULT_CAPACITY, type QueueRow, ROUTED_ROLES, type RoutingPass } from './routing-pass.ts';
import { ROUTABLE_STATES } from './routing-rules.ts';

type TransferRow = Selectable<RoutingTransfersTable>;

/** Transfers as the API shows them (one by id, or a case's newest 20), each with where it stands now. */
export async function presentTransfers(
  db: Executor,
  by: { id: string } | { caseId: string },
): Promise<RoutingTransferDto[]> {
  let q = db
    .selectFrom('routing_transfers as t')
    .innerJoin('routing_items as i', 'i.id', 't.item_id')
    .innerJoin('routing_queues as q', 'q.id', 't.to_queue_id')
    .innerJoin('users as f', 'f.id', 't.from_user_id')
    .leftJoin('users as u', 'u.id', 't.to_user_id')
    .leftJoin('teams as tm', 'tm.id', 'q.team_id')
    .selectAll('t')
    .select([
      'i.state as item_state',
      'i.offered_to',
      'f.display_name as from_name',
      'u.display_name as to_name',
      'q.team_id as to_team_id',
      'tm.name as to_team_name',
    ])
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc');
  q = 'id' in by ? q.where('t.id', '=', by.id) : q.where('t.case_id', '=', by.caseId).limit(20);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    channel: r.channel as RoutedChannel,
    fromUserId: r.from_user_id,
    fromName: r.from_name,
    toUserId: r.to_user_id,
    toName: r.to_name ?? null,
    toTeamId: r.to_team_id,
    toTeamName: r.to_team_name ?? null,
    note: r.note,
    state: stateOf(r),
    createdAt: r.created_at,
  }));
}

/**
 * Who a case may go to: the people who take routed work (but the caller), with their state and
 * room on the case's channel, those who can take it now first; and the teams' queues.
 */
export async function transferTargets(
  ctx: Ctx,
  pass: RoutingPass,
  w: { channel: RoutedChannel; actorId: string; assigneeId: string | null },
): Promise<RoutingTransferTargetsDto> {
  const { channel } = w;
  const db = ctx.store.db;
  const users = await db
    .selectFrom('users as u')
    .leftJoin('teams as t', 't.id', 'u.team_id')
    .select(['u.id', 'u.display_name', 'u.team_id', 't.name as team_name'])
    .where('u.active', '=', ctx.store.dialect === 'sqlite' ? (1 as never) : true)
    .where('u.role', 'in', ROUTED_ROLES)
    .where('u.id', '!=', w.actorId)
    .orderBy('u.display_name')
    .limit(500)
    .execute();
  // Everyone: a queue without a team is served by all (routing-pass.ts candidates()).
  const everyone = { team_id: null } as QueueRow;
  const present = new Map((await pass.candidates(db, [everyone])).map((x) => [x.userId, x]));
  const rank = { available: 0, full: 1, away: 2, offline: 3 } as const;
  const officers = users
    .map((u) => {
      const p = present.get(u.id);
      const slot = p?.slots.get(channel) ?? { capacity: DEFAULT_CAPACITY[channel] ?? 0, load: 0 };
      const availability: keyof typeof rank = !p
        ? 'offline'
        : !ROUTABLE_STATES.has(p.state)
          ? 'away'
          : slot.load >= slot.capacity || u.id === w.assigneeId
            ? 'full'
            : 'available';
      return {
        userId: u.id,
        displayName: u.display_name,
        teamId: u.team_id,
        teamName: u.team_name ?? null,
        state: p?.state ?? 'offline',
        availability,
      };
    })
    .sort((a, b) => rank[a.availability] - rank[b.availability]);
  const teams = await db.selectFrom('teams').select(['id', 'name']).orderBy('name').execute();
  const counts = await db
    .selectFrom('routing_items as i')
    .innerJoin('routing_queues as q', 'q.id', 'i.queue_id')
    .select(['q.team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('i.state', 'in', ['waiting', 'offered'])
    .groupBy('q.team_id')
    .execute();
  const waiting = new Map(counts.map((r) => [r.team_id, Number(r.n)]));
  return {
    channel,
    officers,
    queues: teams.map((t) => ({ teamId: t.id, name: t.name, waiting: waiting.get(t.id) ?? 0 })),
  };
}

/** Where a transfer stands, from its item: still offered to its officer, waiting, taken, or over. */
function stateOf(
  r: TransferRow & { item_state: string; offered_to: string | null },
): RoutingTransferDto['state'] {
  if (r.item_state === 'assigned') return 'taken';
  if (r.item_state === 'offered' && r.to_user_id && r.offered_to === r.to_user_id) return 'offered';
  if (r.item_state === 'waiting' || r.item_state === 'offered') return 'queued';
  return 'over';
}
