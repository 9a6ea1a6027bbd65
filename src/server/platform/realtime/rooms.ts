import type { Executor } from '../db/index.ts';
import { parseJson } from '../db/schema.ts';
import type { Invalidation } from './hub.ts';

/** An outbox row as the dispatcher reads it. */
export interface OutboxEvent {
  id: string;
  name: string;
  payload: unknown;
}

/**
 * What an event payload may carry for routing. `id` is the entity; `teamIds` / `userIds` /
 * `departmentIds` name the team, people and department-queue rooms to tell (before and after a
 * move, so the old queue drops the case too). A case's current team, owner and department are
 * looked up as well: rows written before payloads carried them, and events (`case.created`) that
 * name none.
 */
interface RoutingPayload {
  id?: string;
  ids?: string[];
  version?: number;
  teamIds?: (string | null)[];
  userIds?: (string | null)[];
  departmentIds?: (string | null)[];
}

export const caseRoom = (id: string) => `case:${id}`;
export const teamRoom = (id: string) => `team:${id}`;
export const userRoom = (id: string) => `user:${id}`;
/** A department's queue: cases referred or sent to it, watched by desktops showing that queue. */
export const departmentRoom = (id: string) => `department:${id}`;
/** A web chat's visitor (issue 14): the widget's socket listens here for `chat.*` events. */
export const chatRoom = (id: string) => `chat:${id}`;

/** The invalidations for a batch of events: one per (room, type, id), the highest version kept. */
export async function invalidationsFor(trx: Executor, events: OutboxEvent[]): Promise<Invalidation[]> {
  const parsed = events.map((e) => ({ name: e.name, p: parseJson<RoutingPayload>(e.payload, {}) }));
  // Every case event's case is looked up (one query a batch): a case sent to a department's queue
  // by an officer of another team is news to that queue even when the payload names only teams.
  const lookup = [...new Set(parsed.filter((e) => e.name.startsWith('case.') && e.p.id).map((e) => e.p.id!))];
  const cases = new Map<
    string,
    { team_id: string | null; assignee_id: string | null; department_id: string | null }
  >();
  if (lookup.length) {
    const rows = await trx
      .selectFrom('cases')
      .select(['id', 'team_id', 'assignee_id', 'department_id'])
      .where('id', 'in', lookup)
      .execute();
    for (const r of rows) cases.set(r.id, r);
  }
  const out = new Map<string, Invalidation>();
  const add = (room: string, type: string, id: string, version: number | undefined) => {
    const key = `${room}\u0000${type}\u0000${id}`;
    const prev = out.get(key);
    if (prev && (prev.version ?? 0) >= (version ?? 0)) return;
    out.set(key, { type, id, room, ...(version !== undefined ? { version } : {}) });
  };
  for (const { name, p } of parsed) {
    const id = p.id ?? p.ids?.[0];
    if (!id) continue;
    const teams = new Set((p.teamIds ?? []).filter((t): t is string => Boolean(t)));
    const users = new Set((p.userIds ?? []).filter((u): u is string => Boolean(u)));
    const departments = new Set((p.departmentIds ?? []).filter((d): d is string => Boolean(d)));
    if (name.startsWith('chat.')) add(chatRoom(id), name, id, p.version);
    if (name.startsWith('case.')) {
      add(caseRoom(id), name, id, p.version);
      const c = cases.get(id);
      // A payload that names its rooms (before and after a move) is trusted for teams and owners;
      // the current department is always added, since older payloads never named one.
      if (!p.teamIds && c?.team_id) teams.add(c.team_id);
      if (!p.teamIds && c?.assignee_id) users.add(c.assignee_id);
      if (c?.department_id) departments.add(c.department_id);
    }
    for (const t of teams) add(teamRoom(t), name, id, p.version);
    for (const u of users) add(userRoom(u), name, id, p.version);
    for (const d of departments) add(departmentRoom(d), name, id, p.version);
  }
  return [...out.values()];
}
