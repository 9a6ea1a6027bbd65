import { type AuditEntryDto, type AuditQueryDto, SYSTEM_ACTOR_ID } from '../../../shared/contracts/audit.ts';
import { can } from '../../../shared/permissions.ts';
import { type Actor, audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, decodeCursor, encodeCursor, nowIso } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { type FieldError, fieldError, invalidFields } from '../../platform/errors.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import { type AuditRow, presentEntry, showsParticulars } from './audit.present.ts';
import { namesOf } from './audit-names.ts';

export interface AuditPage {
  items: AuditEntryDto[];
  nextCursor: string | null;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** Newest first: at, then id (UUIDv7, so rows of one instant keep their order of writing). */
const newerFirst = (a: AuditRow, b: AuditRow) =>
  a.at === b.at ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.at < b.at ? 1 : -1;

/** An instant from the query as this server stores them (UTC, milliseconds), or a field error. */
function instant(field: string, v: string | undefined, errors: FieldError[]): string | undefined {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) {
    errors.push(fieldError(field, 'dateTime', 'is not a date-time'));
    return undefined;
  }
  return new Date(ms).toISOString();
}

/**
 * Reads the audit trail (platform/audit.ts writes it): the whole trail for those holding
 * `audit.read`, and one case's or customer's history for those who may read that record. Particulars
 * in stored before/after values are masked for a reader without `pii.unmasked`, as the customer read
 * masks them; an unmasked read that shows particulars is itself recorded as a view of them.
 */
export class AuditService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly customers: CustomersService;
  constructor(ctx: Ctx, deps: { cases: CasesService; customers: CustomersService }) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.customers = deps.customers;
  }

  private get db() {
    return this.ctx.store.db;
  }

  /**
   * One page of rows matching the filter, newest first, after the cursor. Every filter has an index
   * ending in (at, id) (migration 202612031200), so this seeks to the page: the row-value cursor
   * `(at, id) < (?, ?)` is a range on the index, not an OR the planner cannot use.
   */
  pageQuery(f: AuditFilter, after: [string, string] | null, limit: number) {
    let q = this.db
      .selectFrom('audit_log as l')
      .leftJoin('users as u', 'u.id', 'l.actor_id')
      .select([
        'l.id',
        'l.at',
        'l.actor_id',
        'u.display_name as actor_name',
        'l.entity_type',
        'l.entity_id',
        'l.action',
        'l.before',
        'l.after',
      ])
      .orderBy('l.at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(limit);
    if (f.entityType !== undefined && f.entityId !== undefined)
      q = q.where('l.entity_type', '=', f.entityType).where('l.entity_id', '=', f.entityId);
    if (f.actorId === SYSTEM_ACTOR_ID) q = q.where('l.actor_id', 'is', null);
    else if (f.actorId !== undefined) q = q.where('l.actor_id', '=', f.actorId);
    if (f.action !== undefined) q = q.where('l.action', '=', f.action);
    if (f.from !== undefined) q = q.where('l.at', '>=', f.from);
    // A cursor issued under `to` already lies below it: one upper bound, so the seek starts at the cursor.
    if (f.to !== undefined && !(after && after[0] < f.to)) q = q.where('l.at', '<', f.to);
    if (after) q = q.where((eb) => eb(eb.refTuple('l.at', 'l.id'), '<', eb.tuple(after[0], after[1])));
    return q;
  }

  private async rows(f: AuditFilter, after: [string, string] | null, limit: number): Promise<AuditRow[]> {
    return (await this.pageQuery(f, after, limit).execute()) as AuditRow[];
  }

  private async page(rows: AuditRow[], limit: number, unmasked: boolean): Promise<AuditPage> {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const names = await namesOf(this.db, page);
    return {
      items: page.map((r) => presentEntry(r, unmasked, names)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null,
    };
  }

  /** The whole trail, filtered (audit.read). */
  async list(actor: Actor, q: AuditQueryDto): Promise<AuditPage> {
    const errors: FieldError[] = [];
    if (q.entityId !== undefined && q.entityType === undefined)
      errors.push(
        fieldError('/query/entityType', 'requiredWith', 'is required with entityId', { other: 'entityId' }),
      );
    if (q.entityType !== undefined && q.entityId === undefined)
      errors.push(
        fieldError('/query/entityId', 'requiredWith', 'is required with entityType', { other: 'entityType' }),
      );
    const from = instant('/query/from', q.from, errors);
    const to = instant('/query/to', q.to, errors);
    if (from && to && to <= from)
      errors.push(fieldError('/query/to', 'after', 'must be after from', { other: 'from' }));
    if (errors.length) throw invalidFields(errors);
    const after = decodeCursor(q.cursor);
    const limit = q.limit ?? 50;
    const f: AuditFilter = {
      ...(q.entityType !== undefined ? { entityType: q.entityType } : {}),
      ...(q.entityId !== undefined ? { entityId: q.entityId } : {}),
      ...(q.actorId !== undefined ? { actorId: q.actorId.toLowerCase() } : {}),
      ...(q.action !== undefined ? { action: q.action } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    };
    const rows = await this.rows(f, after, limit + 1);
    const unmasked = can(actor.role, 'pii.unmasked');
    if (unmasked) await this.recordViews(actor, rows.slice(0, limit), 'audit');
    return this.page(rows, limit, unmasked);
  }

  /** Who changed what on a case, and when (whoever may read the case). */
  async caseHistory(actor: Actor, caseId: string, cursor: string | undefined, limit: number) {
    const after = decodeCursor(cursor);
    await this.cases.row(this.db, caseId); // 404 for a case that does not exist
    const rows = await this.rows({ entityType: 'case', entityId: caseId }, after, limit + 1);
    return this.page(rows, limit, can(actor.role, 'pii.unmasked'));
  }

  /**
   * A customer's history: the record, its accounts, and who viewed its particulars unmasked. Each
   * record's rows come from its own index range; the pages are merged (a customer has few accounts).
   */
  async customerHistory(actor: Actor, customerId: string, cursor: string | undefined, limit: number) {
    const after = decodeCursor(cursor);
    // As the system: the accounts' ids, without unmasking for (or auditing) the caller.
    const customer = await this.customers.get(SYSTEM_ACTOR, customerId);
    const records: [string, string][] = [
      ['customer', customerId],
      ...customer.accounts.map((a): [string, string] => ['account', a.id]),
    ];
    const pages = await Promise.all(
      records.map(([entityType, entityId]) => this.rows({ entityType, entityId }, after, limit + 1)),
    );
    const rows = pages
      .flat()
      .sort(newerFirst)
      .slice(0, limit + 1);
    const unmasked = can(actor.role, 'pii.unmasked');
    if (unmasked) await this.recordViews(actor, rows.slice(0, limit), 'history');
    return this.page(rows, limit, unmasked);
  }

  /**
   * A page that shows a customer's particulars unmasked is a view of them, recorded as the customer
   * read records one (customer.particulars_viewed), once per customer per page.
   */
  private async recordViews(actor: Actor, rows: AuditRow[], via: 'audit' | 'history') {
    if (actor.via === 'system') return;
    const shown = rows.filter(showsParticulars);
    if (!shown.length) return;
    const customers = new Set<string>();
    const accounts = new Set<string>();
    for (const r of shown) {
      const owner = customerOf(r);
      if (owner) customers.add(owner);
      else if (r.entity_type === 'account') accounts.add(r.entity_id);
    }
    if (accounts.size) {
      // An account change stores only what changed; its creation names the customer.
      const created = await this.db
        .selectFrom('audit_log')
        .select(['entity_id', 'after'])
        .where('entity_type', '=', 'account')
        .where('entity_id', 'in', [...accounts])
        .where('action', '=', 'account.created')
        .execute();
      for (const c of created) {
        const owner = parseJson<{ customerId?: unknown }>(c.after, {}).customerId;
        if (typeof owner === 'string') customers.add(owner);
      }
    }
    const at = nowIso(this.ctx);
    for (const id of customers)
      await audit(this.db, {
        at,
        actor,
        entityType: 'customer',
        entityId: id,
        action: 'customer.particulars_viewed',
        after: { by: 'role', in: via },
      });
  }
}

/** The customer a row's particulars belong to, when the row says. */
function customerOf(r: AuditRow): string | null {
  if (r.entity_type === 'customer') return r.entity_id;
  for (const v of [r.after, r.before]) {
    const o = parseJson<Record<string, unknown> | null>(v, null);
    if (o && typeof o === 'object') {
      const id = o.customerId ?? o.customer_id;
      if (typeof id === 'string') return id;
    }
  }
  return null;
}
