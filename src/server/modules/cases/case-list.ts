import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely';
import type { CaseListQueryDto } from '../../../shared/contracts/cases.ts';
import { isCursorInstant, UUID } from '../../platform/context.ts';
import type { CasesTable, Database } from '../../platform/db/schema.ts';
import { invalid } from '../../platform/errors.ts';
import { OPEN_STATUSES } from './queue-order.ts';

/**
 * Case lists whose cost does not grow with the table (issue 12). Every order is a keyset over
 * indexed columns — (scope, is_open, queue_rank, created_at, id) for the queue order, (is_open,
 * sla_due_at, id) for due, (is_open, updated_at, id) for last update, (created_at, id) for newest and
 * oldest — and every page continues with a row-value comparison `(a, b, c) > (?, ?, ?)`, which both
 * databases turn into an index seek, so page 400 costs what page 1 costs.
 */
export type CaseSort = 'queue' | 'due' | 'newest' | 'oldest' | 'updated';

type Eb = ExpressionBuilder<Database, 'cases'>;
type Key = (string | number | null)[];

const OPEN = new Set<string>(OPEN_STATUSES);

/** A cursor names its order and the last row's keys; one issued for another order is refused. */
export function encodeCaseCursor(sort: CaseSort, key: Key): string {
  return Buffer.from(JSON.stringify([sort, ...key])).toString('base64url');
}

function decodeCaseCursor(sort: CaseSort, cursor: string): Key {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  const bad = () => invalid('/query/cursor', 'cursor', 'is not a cursor this server issued for this order');
  if (!Array.isArray(parts) || parts[0] !== sort) throw bad();
  const k = parts.slice(1) as unknown[];
  const id = k.at(-1);
  if (typeof id !== 'string' || !UUID.test(id)) throw bad();
  const instant = (v: unknown) => typeof v === 'string' && isCursorInstant(v);
  const ok =
    sort === 'queue'
      ? k.length === 3 &&
        Number.isInteger(k[0]) &&
        (k[0] as number) >= 0 &&
        (k[0] as number) < 10 &&
        instant(k[1])
      : sort === 'due'
        ? k.length === 2 && (k[0] === null || instant(k[0]))
        : k.length === 2 && instant(k[0]);
  if (!ok) throw bad();
  return k as Key;
}

/** Open, closed or either, from the statuses asked for: lets the planner use the open-set indexes. */
function openness(statuses: string[] | undefined): 0 | 1 | null {
  if (!statuses?.length) return null;
  if (statuses.every((s) => OPEN.has(s))) return 1;
  if (statuses.every((s) => !OPEN.has(s))) return 0;
  return null;
}

type Row = {
  id: string;
  queue_rank: number;
  created_at: string;
  updated_at: string;
  sla_due_at: string | null;
};

export function keyOf(sort: CaseSort, r: Row): Key {
  switch (sort) {
    case 'queue':
      return [r.queue_rank, r.created_at, r.id];
    case 'due':
      return [r.sla_due_at, r.id];
    case 'updated':
      return [r.updated_at, r.id];
    default:
      return [r.created_at, r.id];
  }
}

export interface ListFilter extends Omit<CaseListQueryDto, 'sort' | 'cursor' | 'limit' | 'status'> {
  status?: string[] | undefined;
}

/**
 * The WHERE of a list: scope, openness, filters. `byOpenness` adds `is_open = ?` for the orders whose
 * indexes begin with it (queue, due, updated, and counts); creation order has its own index, which an
 * `is_open` term would tempt the planner away from into sorting the whole open set.
 */
export function filtered(eb: Eb, f: ListFilter, now: string, byOpenness = true): Expression<SqlBool> {
  const and: Expression<SqlBool>[] = [];
  if (f.assigneeId) and.push(eb('assignee_id', '=', f.assigneeId));
  if (f.unassigned) and.push(eb('assignee_id', 'is', null));
  if (f.teamId) and.push(eb('team_id', '=', f.teamId));
  if (f.departmentId) and.push(eb('department_id', '=', f.departmentId));
  if (f.customerId) and.push(eb('customer_id', '=', f.customerId));
  const open = byOpenness ? openness(f.status) : null;
  if (open !== null) and.push(eb('is_open', '=', open));
  // A subset of one side (e.g. only "new") still needs the status test; the whole side does not.
  if (f.status?.length && !(open === 1 && f.status.length === OPEN.size))
    and.push(eb('status', 'in', f.status));
  if (f.type) and.push(eb('type', '=', f.type));
  if (f.criticality) and.push(eb('criticality', '=', f.criticality));
  if (f.priority) and.push(eb('priority', '=', f.priority));
  if (f.sla === 'breached') and.push(eb('sla_due_at', '<=', now));
  if (f.sla === 'due_soon') and.push(eb.and([eb('sla_warn_at', '<=', now), eb('sla_due_at', '>', now)]));
  if (f.sla === 'at_risk') and.push(eb('sla_warn_at', '<=', now));
  if (f.sla === 'on_track') and.push(eb.or([eb('sla_warn_at', '>', now), eb('sla_warn_at', 'is', null)]));
  return eb.and(and);
}

/** Every column of a case but its long texts (the enquiry and the resolution summary). */
const LINE_COLUMNS = [
  'id',
  'reference',
  'type',
  'category_id',
  'criticality',
  'priority',
  'status',
  'subject',
  'customer_id',
  'assignee_id',
  'team_id',
  'department_id',
  'created_by',
  'created_at',
  'updated_at',
  'resolved_at',
  'closed_at',
  'customer_confirmed',
  'version',
  'sla_policy_id',
  'first_response_due_at',
  'resolution_due_at',
  'next_update_due_at',
  'sla_due_at',
  'sla_warn_at',
  'sla_paused',
  'is_open',
  'queue_rank',
  'merged_into_id',
] as const satisfies readonly (keyof CasesTable)[];

/**
 * The statements of one page: for "due", the cases with a running clock and then those without one
 * (two seeks rather than one "nulls last" order, which the two databases sort differently).
 * Exported so that the plan tests can EXPLAIN exactly what runs.
 */
export function pageQueries(
  db: Kysely<Database>,
  f: ListFilter,
  sort: CaseSort,
  cursor: string | undefined,
  limit: number,
  now: string,
  lines = false,
) {
  const after = cursor ? decodeCaseCursor(sort, cursor) : null;
  const base = () => {
    const from = db.selectFrom('cases');
    // A queue line leaves the long texts in the table: reading 50 enquiries of up to 5,000
    // characters was most of a page's time in SQLite and in the garbage collector. The row keeps
    // its shape (the two texts null), so the cast only says what the select list spells out.
    const picked = lines
      ? (from
          .select(LINE_COLUMNS)
          .select([
            sql<null>`null`.as('description'),
            sql<null>`null`.as('resolution_summary'),
          ]) as unknown as ReturnType<typeof from.selectAll>)
      : from.selectAll();
    return picked
      .where((eb) => filtered(eb, f, now, sort !== 'newest' && sort !== 'oldest'))
      .limit(limit + 1);
  };
  if (sort === 'due') {
    const [due, id] = after ?? [undefined, undefined];
    let withClock = base().where('sla_due_at', 'is not', null);
    if (after)
      withClock = withClock.where((eb) =>
        eb(eb.refTuple('sla_due_at', 'id'), '>', eb.tuple(due as string, id as string)),
      );
    let without = base().where('sla_due_at', 'is', null);
    if (after && due === null) without = without.where('id', '>', id as string);
    return [
      due === null ? null : withClock.orderBy('sla_due_at', 'asc').orderBy('id', 'asc'),
      without.orderBy('id', 'asc'),
    ];
  }
  if (sort === 'queue') {
    let q = base();
    if (after)
      q = q.where((eb) =>
        eb(
          eb.refTuple('queue_rank', 'created_at', 'id'),
          '>',
          eb.tuple(after[0] as number, after[1] as string, after[2] as string),
        ),
      );
    return [q.orderBy('queue_rank', 'asc').orderBy('created_at', 'asc').orderBy('id', 'asc')];
  }
  const col = sort === 'updated' ? 'updated_at' : 'created_at';
  const dir = sort === 'oldest' ? 'asc' : 'desc';
  let q = base();
  if (after)
    q = q.where((eb) =>
      eb(eb.refTuple(col, 'id'), dir === 'asc' ? '>' : '<', eb.tuple(after[0] as string, after[1] as string)),
    );
  return [q.orderBy(col, dir).orderBy('id', dir)];
}

/** One page in the given order, continuing after the cursor. */
export async function listPage(
  db: Kysely<Database>,
  f: ListFilter,
  sort: CaseSort,
  cursor: string | undefined,
  limit: number,
  now: string,
  lines = false,
) {
  const rows: Selectable<CasesTable>[] = [];
  for (const q of pageQueries(db, f, sort, cursor, limit, now, lines)) {
    if (!q || rows.length > limit) continue;
    rows.push(...(await q.limit(limit + 1 - rows.length).execute()));
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCaseCursor(sort, keyOf(sort, last)) : null,
  };
}

/**
 * A queue's counts in one pass over the scope's open index range: by status and criticality, with
 * how many are at risk and breached (two passes — one grouped, one for the SLA — read the range twice).
 * Exported so the plan tests EXPLAIN exactly this.
 */
export function countQueries(db: Kysely<Database>, f: ListFilter, now: string) {
  const scope = { ...f, status: [...OPEN_STATUSES] };
  return {
    byStatus: db
      .selectFrom('cases')
      .where((eb) => filtered(eb, scope, now))
      .select((eb) => [
        'status',
        'criticality',
        eb.fn.countAll<number>().as('n'),
        eb.fn.sum<number>(eb.case().when('sla_warn_at', '<=', now).then(1).else(0).end()).as('risk'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.and([eb('sla_warn_at', '<=', now), eb('sla_due_at', '<=', now)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('breached'),
      ])
      .groupBy(['status', 'criticality']),
  };
}

/**
 * Counts for a queue's header, over the open set only: their cost follows the backlog, not history,
 * and the scope's queue index carries every column they read, so they never touch the table.
 */
export async function openCounts(db: Kysely<Database>, f: ListFilter, now: string) {
  const rows = await countQueries(db, f, now).byStatus.execute();
  const byStatus: Record<string, number> = {};
  let open = 0;
  let highlyCritical = 0;
  let risk = 0;
  let breached = 0;
  for (const r of rows) {
    const n = Number(r.n);
    byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
    open += n;
    if (r.criticality === 'highly_critical') highlyCritical += n;
    risk += Number(r.risk ?? 0);
    breached += Number(r.breached ?? 0);
  }
  return { byStatus, open, highlyCritical, dueSoon: risk - breached, breached };
}
