import { type Selectable, sql } from 'kysely';
import type {
  CaseBulkDto,
  CaseCreateDto,
  CaseListQueryDto,
  CasePatchDto,
  CaseStatus,
  CaseTransitionDto,
  NoteCreateDto,
  ReferralCreateDto,
} from '../../../shared/contracts/cases.ts';
import type { FieldRule } from '../../../shared/field-rules.ts';
import { type Actor, audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CasesTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { PeopleService } from '../people/people.service.ts';
import type { CaseFacts } from '../sla/policies.service.ts';
import { type CaseTarget, NO_SLA, type SlaChange, type SlaService } from '../sla/sla.service.ts';
import { listPage, openCounts } from './case-list.ts';
import { presentCase, presentDetail, presentReferral } from './cases.present.ts';
import { caseDerived } from './queue-order.ts';
import { transition } from './transitions.ts';

/** Columns a change does not report: bookkeeping, and what is derived from the reported ones. */
const DERIVED = new Set<string>(['version', 'updated_at', 'is_open', 'queue_rank']);

type CaseRow = Selectable<CasesTable>;

/** A referenced record that does not exist, as its not-found problem naming the field. */
const refNotFound = (
  code: ConstructorParameters<typeof AppError>[0],
  field: string,
  rule: FieldRule,
  message: string,
  id: string,
) => new AppError(code, id, { errors: [fieldError(field, rule, message)] });

/** Cases (queries): created from a contact, moved through the transition table, referred, resolved. */
export class CasesService {
  private readonly ctx: Ctx;
  private readonly contacts: ContactsService;
  private readonly people: PeopleService;
  private readonly sla: SlaService;
  /** Publishes `case.changed` when a case is created or changed (an urgent escalation reacts, for one). */
  private readonly eventBus: DomainEventBus;
  constructor(
    ctx: Ctx,
    deps: { contacts: ContactsService; people: PeopleService; sla: SlaService; events: DomainEventBus },
  ) {
    this.ctx = ctx;
    this.contacts = deps.contacts;
    this.people = deps.people;
    this.sla = deps.sla;
    this.eventBus = deps.events;
  }

  /** What SLA rules look at: the case's own fields, its first contact's channel, its customer's segment. */
  async facts(
    trx: Executor,
    c: Pick<CaseRow, 'id' | 'type' | 'category_id' | 'criticality' | 'priority' | 'customer_id'>,
    channel?: string,
  ): Promise<CaseFacts> {
    const ch =
      channel ??
      (
        await trx
          .selectFrom('contact_cases')
          .innerJoin('contacts', 'contacts.id', 'contact_cases.contact_id')
          .select('contacts.channel')
          .where('contact_cases.case_id', '=', c.id)
          .orderBy('contact_cases.created_at')
          .executeTakeFirst()
      )?.channel ??
      null;
    const segment = c.customer_id
      ? ((
          await trx
            .selectFrom('customers')
            .select('segment')
            .where('id', '=', c.customer_id)
            .executeTakeFirst()
        )?.segment ?? null)
      : null;
    return {
      type: c.type,
      categoryId: c.category_id,
      criticality: c.criticality,
      priority: c.priority,
      channel: ch,
      segment,
    };
  }

  private get db() {
    return this.ctx.store.db;
  }

  /** Add to a case's timeline (other modules record their automatic actions here). */
  async event(
    trx: Executor,
    caseId: string,
    at: string,
    actor: Actor,
    kind: string,
    data: Record<string, unknown>,
  ) {
    await this.events(trx, at, actor, [{ caseId, kind, data }]);
  }

  /** Several timeline events in one insert (the scheduler writes hundreds at once in a breach storm). */
  async events(
    trx: Executor,
    at: string,
    actor: Actor,
    events: { caseId: string; kind: string; data: Record<string, unknown> }[],
  ) {
    if (!events.length) return;
    await trx
      .insertInto('case_events')
      .values(
        events.map((e) => ({
          id: newId(),
          case_id: e.caseId,
          at,
          actor_id: actor.via === 'system' ? null : actor.userId,
          kind: e.kind,
          data: JSON.stringify(e.data),
        })),
      )
      .execute();
  }

  private async nextReference(trx: Executor): Promise<string> {
    // PostgreSQL: a sequence, which no transaction holds (gaps after a rollback are the price). A
    // counter row would be locked by each creation until its commit and queue every writer behind it.
    // SQLite has one writer at a time anyway, and the counter keeps references gap-free there.
    if (this.ctx.store.dialect === 'postgres') {
      const r = await sql<{ v: string }>`select nextval('case_reference_seq') as v`.execute(trx);
      return `CS-${String(r.rows[0]!.v).padStart(6, '0')}`;
    }
    const row = await trx
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'case')
      .returning('value')
      .executeTakeFirstOrThrow();
    return `CS-${String(row.value).padStart(6, '0')}`;
  }

  /** References to other records must exist; each failure names the field. */
  private async assertRefs(
    trx: Executor,
    r: {
      categoryId?: string | null | undefined;
      assigneeId?: string | null | undefined;
      teamId?: string | null | undefined;
      departmentId?: string | null | undefined;
    },
  ) {
    if (
      r.categoryId &&
      !(await trx
        .selectFrom('case_categories')
        .select('id')
        .where('id', '=', r.categoryId)
        .executeTakeFirst())
    ) {
      throw refNotFound(
        'category.not_found',
        '/body/categoryId',
        'noSuchCategory',
        'no such category',
        r.categoryId,
      );
    }
    if (r.assigneeId) {
      const u = await trx
        .selectFrom('users')
        .select(['id', 'active'])
        .where('id', '=', r.assigneeId)
        .executeTakeFirst();
      if (!u?.active)
        throw refNotFound(
          'user.not_found',
          '/body/assigneeId',
          'noSuchActiveUser',
          'no such active user',
          r.assigneeId,
        );
    }
    if (
      r.teamId &&
      !(await trx.selectFrom('teams').select('id').where('id', '=', r.teamId).executeTakeFirst())
    ) {
      throw refNotFound('team.not_found', '/body/teamId', 'noSuchTeam', 'no such team', r.teamId);
    }
    if (r.departmentId && !(await this.people.departmentExists(trx, r.departmentId))) {
      throw refNotFound(
        'department.not_found',
        '/body/departmentId',
        'noSuchDepartment',
        'no such department',
        r.departmentId,
      );
    }
  }

  async create(actor: Actor, input: CaseCreateDto) {
    return tx(this.ctx, (trx) => this.createIn(trx, actor, input));
  }

  /**
   * Create a case inside the caller's transaction (an inbound e-mail opens one with its message).
   * `slaTargets`: targets the case carries from where it came in (a mailbox's), tightening its policy's.
   */
  async createIn(
    trx: Executor,
    actor: Actor,
    input: CaseCreateDto,
    opts: { slaTargets?: readonly CaseTarget[] } = {},
  ) {
    const contact = await trx
      .selectFrom('contacts')
      .select(['id', 'customer_id', 'channel'])
      .where('id', '=', input.contactId)
      .executeTakeFirst();
    if (!contact)
      throw refNotFound(
        'contact.not_found',
        '/body/contactId',
        'noSuchContact',
        'no such contact',
        input.contactId,
      );
    await this.assertRefs(trx, input);
    const at = nowIso(this.ctx);
    // The caller's team comes with the authentication; look it up only when it did not.
    const myTeam =
      actor.via === 'system'
        ? null
        : actor.teamId !== undefined
          ? actor.teamId
          : ((
              await trx
                .selectFrom('users')
                .select(['team_id'])
                .where('id', '=', actor.userId)
                .executeTakeFirst()
            )?.team_id ?? null);
    // Whoever logs a case owns it unless it is sent straight to a department's queue.
    const assignee =
      input.assigneeId !== undefined
        ? input.assigneeId
        : input.departmentId
          ? null
          : actor.via === 'system'
            ? null
            : actor.userId;
    const row: CaseRow = {
      id: newId(),
      reference: await this.nextReference(trx),
      type: input.type,
      category_id: input.categoryId ?? null,
      criticality: input.criticality ?? 'not_highly_critical',
      priority: input.priority ?? (input.criticality === 'highly_critical' ? 'urgent' : 'normal'),
      status: assignee ? 'open' : 'new',
      subject: input.subject,
      description: input.description ?? null,
      customer_id: contact.customer_id,
      assignee_id: assignee,
      team_id: input.teamId !== undefined ? input.teamId : myTeam,
      department_id: input.departmentId ?? null,
      created_by: actor.userId,
      created_at: at,
      updated_at: at,
      resolved_at: null,
      closed_at: null,
      resolution_summary: null,
      customer_confirmed: null,
      version: 1,
      ...NO_SLA,
      is_open: 1,
      queue_rank: 0,
      merged_into_id: null,
    };
    const plan = await this.sla.plan(trx, row, { type: 'created', targets: opts.slaTargets ?? [] }, () =>
      this.facts(trx, row, contact.channel),
    );
    Object.assign(row, plan.columns, caseDerived(row));
    await trx
      .insertInto('cases')
      .values(row as never)
      .execute();
    await plan.write();
    await this.contacts.linkCase(trx, contact.id, row.id, at);
    const presented = presentCase(row, at);
    await this.event(trx, row.id, at, actor, 'case.created', {
      contactId: contact.id,
      status: row.status,
      type: row.type,
    });
    await audit(trx, {
      at,
      actor,
      entityType: 'case',
      entityId: row.id,
      action: 'case.created',
      after: presented,
    });
    await emit(trx, at, 'case.created', { id: row.id, version: 1 });
    await this.eventBus.publish(trx, 'case.changed', { before: null, after: row, channel: contact.channel });
    return presented;
  }

  /** Plan an SLA change and put its columns on the row about to be saved. */
  private async slaPlan(trx: Executor, next: CaseRow, change: SlaChange) {
    const plan = await this.sla.plan(trx, next, change, () => this.facts(trx, next));
    Object.assign(next, plan.columns);
    return plan;
  }

  /** The SLA follows the case: a change to what the rules look at re-chooses the policy; time already run counts. */
  private async slaFollows(trx: Executor, before: CaseRow, next: CaseRow) {
    if (
      !['type', 'category_id', 'criticality', 'priority'].some(
        (k) => next[k as keyof CaseRow] !== before[k as keyof CaseRow],
      )
    )
      return null;
    return this.slaPlan(trx, next, { type: 'facts_changed' });
  }

  /**
   * A change made by the system on a rule's behalf (reassign, raise priority): saved, audited and put on
   * the timeline attributed to the rule.
   */
  async applyAutomatic(
    trx: Executor,
    id: string,
    changes: { assigneeId?: string; priority?: string },
    rule: { id: string; name: string },
  ): Promise<Record<string, unknown>> {
    const before = await this.getRow(trx, id);
    const at = nowIso(this.ctx);
    const next: CaseRow = { ...before, updated_at: at };
    if (changes.assigneeId) next.assignee_id = changes.assigneeId;
    if (changes.priority) next.priority = changes.priority;
    if (before.status === 'new' && next.assignee_id) next.status = 'open';
    const plan = await this.slaFollows(trx, before, next);
    const changed = await this.save(trx, before, next, SYSTEM_ACTOR, 'case.escalated');
    await plan?.write();
    if (Object.keys(changed).length)
      await this.event(
        trx,
        id,
        at,
        SYSTEM_ACTOR,
        'assignee_id' in changed ? 'case.assigned' : 'case.updated',
        {
          changes: changed,
          rule,
        },
      );
    return changed;
  }

  /** `customer.merged`: the loser's cases now belong to the winner (a new version, so open copies refresh). */
  async onCustomerMerged(trx: Executor, loserId: string, winnerId: string): Promise<void> {
    await trx
      .updateTable('cases')
      .set((eb) => ({ customer_id: winnerId, version: eb('version', '+', 1) }))
      .where('customer_id', '=', loserId)
      .execute();
  }

  async row(trx: Executor, id: string): Promise<CaseRow> {
    return this.getRow(trx, id);
  }

  /**
   * The case row locked first, as a write of it would lock it (routing's lock order: case, timer,
   * item, offer, capacity). PostgreSQL: FOR NO KEY UPDATE, what an UPDATE of the case takes — not FOR
   * UPDATE, which would also wait for the KEY SHARE a timeline row's foreign key takes (a chat ended
   * by its visitor holds the conversation and then writes that row). SQLite has one writer.
   */
  async lock(trx: Executor, id: string): Promise<void> {
    if (this.ctx.store.dialect === 'postgres')
      await trx.selectFrom('cases').select('id').where('id', '=', id).forNoKeyUpdate().execute();
  }

  /** Case rows by id, in one query; missing ids are simply absent from the map. */
  async rows(trx: Executor, ids: string[]): Promise<Map<string, CaseRow>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await trx.selectFrom('cases').selectAll().where('id', 'in', unique).execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async getRow(trx: Executor, id: string): Promise<CaseRow> {
    const c = await trx.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    if (!c) throw notFound('case.not_found', id);
    return c;
  }

  private async save(trx: Executor, before: CaseRow, next: CaseRow, actor: Actor, action: string) {
    Object.assign(next, caseDerived(next));
    // Optimistic concurrency: the version guards against two officers overwriting each other.
    const res = await trx
      .updateTable('cases')
      .set({ ...next, id: undefined, version: before.version + 1 } as never)
      .where('id', '=', before.id)
      .where('version', '=', before.version)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw await this.stale(trx, before.id);
    next.version = before.version + 1;
    const b: Record<string, unknown> = {};
    const a: Record<string, unknown> = {};
    for (const k of Object.keys(next) as (keyof CaseRow)[]) {
      if (!DERIVED.has(k) && before[k] !== next[k]) {
        b[k] = before[k];
        a[k] = next[k];
      }
    }
    await audit(trx, {
      at: next.updated_at,
      actor,
      entityType: 'case',
      entityId: before.id,
      action,
      before: b,
      after: a,
    });
    // The rooms to tell: the team, owner and department queue before and after (a transferred case
    // leaves the old queue).
    await emit(trx, next.updated_at, action, {
      id: before.id,
      version: next.version,
      teamIds: [...new Set([before.team_id, next.team_id])],
      userIds: [...new Set([before.assignee_id, next.assignee_id])],
      departmentIds: [...new Set([before.department_id, next.department_id])],
    });
    return a;
  }

  /**
   * The 412 for a write made against an older version (a stale `If-Match`, or a race lost at save):
   * who changed the case last and when, so the desktop can say so instead of overwriting.
   */
  private async stale(trx: Executor, id: string): Promise<AppError> {
    const c = await this.getRow(trx, id);
    // Notes are appends and leave the version alone: the last versioned change is the last audited one.
    const last = await trx
      .selectFrom('audit_log as l')
      .leftJoin('users as u', 'u.id', 'l.actor_id')
      .select(['l.actor_id', 'l.at', 'u.display_name'])
      .where('l.entity_type', '=', 'case')
      .where('l.entity_id', '=', id)
      .where('l.action', '!=', 'case.note_added')
      .orderBy('l.at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return new AppError('request.precondition_failed', `The case is at version ${c.version}`, {
      extra: {
        currentVersion: c.version,
        // null: an automatic rule made the change.
        changedBy: last?.actor_id ? { id: last.actor_id, displayName: last.display_name ?? '' } : null,
        changedAt: last?.at ?? c.updated_at,
      },
    });
  }

  /** `If-Match` is optional (integrations may omit it); when sent it must name the current version. */
  private async checkVersion(trx: Executor, c: CaseRow, ifMatch: number | undefined) {
    if (ifMatch !== undefined && ifMatch !== c.version) throw await this.stale(trx, c.id);
  }

  async get(id: string) {
    const c = await this.getRow(this.db, id);
    const [contacts, notes, referrals, events] = await Promise.all([
      this.db
        .selectFrom('contact_cases')
        .select('contact_id')
        .where('case_id', '=', id)
        .orderBy('created_at')
        .execute(),
      this.db
        .selectFrom('case_notes')
        .selectAll()
        .where('case_id', '=', id)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('referrals')
        .selectAll()
        .where('case_id', '=', id)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('case_events')
        .selectAll()
        .where('case_id', '=', id)
        .orderBy('at')
        .orderBy('id')
        .execute(),
    ]);
    return presentDetail(c, nowIso(this.ctx), {
      contactIds: contacts.map((r) => r.contact_id),
      notes,
      referrals,
      events,
    });
  }

  async update(actor: Actor, id: string, input: CasePatchDto, ifMatch: number | undefined) {
    return tx(this.ctx, (trx) => this.updateIn(trx, actor, id, input, ifMatch));
  }

  /** An update inside the caller's transaction (routing gives a case to the officer who accepted it). */
  async updateIn(trx: Executor, actor: Actor, id: string, input: CasePatchDto, ifMatch?: number) {
    const before = await this.getRow(trx, id);
    await this.checkVersion(trx, before, ifMatch);
    await this.assertRefs(trx, input);
    const at = nowIso(this.ctx);
    const next: CaseRow = { ...before, updated_at: at };
    const map = {
      type: 'type',
      subject: 'subject',
      description: 'description',
      categoryId: 'category_id',
      criticality: 'criticality',
      priority: 'priority',
      assigneeId: 'assignee_id',
      teamId: 'team_id',
      departmentId: 'department_id',
    } as const;
    for (const [k, col] of Object.entries(map) as [keyof typeof map, (typeof map)[keyof typeof map]][]) {
      if (input[k] !== undefined) (next as Record<string, unknown>)[col] = input[k];
    }
    // Giving a new case an owner opens it.
    if (before.status === 'new' && next.assignee_id && !before.assignee_id) next.status = 'open';
    const plan = await this.slaFollows(trx, before, next);
    const changed = await this.save(trx, before, next, actor, 'case.updated');
    await plan?.write();
    if (Object.keys(changed).length) {
      const kind =
        'assignee_id' in changed || 'team_id' in changed || 'department_id' in changed
          ? 'case.assigned'
          : 'case.updated';
      await this.event(trx, id, at, actor, kind, { changes: changed });
    }
    await this.eventBus.publish(trx, 'case.changed', { before, after: next, actor });
    return presentCase(next, at);
  }

  async transition(actor: Actor, id: string, input: CaseTransitionDto, ifMatch?: number) {
    return tx(this.ctx, (trx) => this.transitionIn(trx, actor, id, input, ifMatch));
  }

  /** A status change inside the caller's transaction (a customer's e-mail reopens or resumes a case). */
  async transitionIn(trx: Executor, actor: Actor, id: string, input: CaseTransitionDto, ifMatch?: number) {
    const before = await this.getRow(trx, id);
    await this.checkVersion(trx, before, ifMatch);
    const t = transition(before.status as CaseStatus, input.action);
    if (!t.ok) {
      throw new AppError(
        'case.transition_not_allowed',
        `Cannot ${input.action} a case that is ${before.status}`,
        {
          extra: { from: before.status, action: input.action },
        },
      );
    }
    if (input.action === 'resolve' && !input.resolutionSummary && !before.resolution_summary) {
      throw new AppError('case.resolution_required', undefined, {
        errors: [fieldError('/body/resolutionSummary', 'requiredToResolve', 'is required to resolve a case')],
      });
    }
    const at = nowIso(this.ctx);
    const next: CaseRow = { ...before, status: t.to, updated_at: at };
    if (input.resolutionSummary) next.resolution_summary = input.resolutionSummary;
    if (input.customerConfirmed !== undefined) next.customer_confirmed = input.customerConfirmed;
    if (t.to === 'resolved') next.resolved_at = at;
    if (t.to === 'closed') next.closed_at = at;
    if (input.action === 'reopen') {
      next.resolved_at = null;
      next.closed_at = null;
      next.customer_confirmed = null;
    }
    const plan = await this.slaPlan(trx, next, {
      type: 'status',
      from: before.status,
      to: t.to,
      action: input.action,
    });
    await this.save(
      trx,
      before,
      next,
      actor,
      `case.${input.action === 'reopen' ? 'reopened' : 'status_changed'}`,
    );
    await this.event(trx, id, at, actor, 'case.status_changed', {
      from: before.status,
      to: t.to,
      action: input.action,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.resolutionSummary ? { resolutionSummary: input.resolutionSummary } : {}),
      ...(input.customerConfirmed !== undefined ? { customerConfirmed: input.customerConfirmed } : {}),
    });
    await plan.write();
    await this.eventBus.publish(trx, 'case.changed', { before, after: next, actor });
    return presentCase(next, at);
  }

  /**
   * Something joined the case's conversation (a message): its queues sort it by the new activity.
   * Not a change to the case itself, so its version stays (an officer's open edit is not stale).
   */
  async touch(trx: Executor, id: string, at: string): Promise<void> {
    await trx.updateTable('cases').set({ updated_at: at }).where('id', '=', id).execute();
  }

  /**
   * A reply reached the customer (an e-mail the server accepted): the first response is met and the
   * update cycle restarts, at the moment it was sent — not when it was written or queued.
   */
  async recordCustomerResponse(trx: Executor, id: string, at: string): Promise<void> {
    const c = await this.getRow(trx, id);
    const plan = await this.slaPlan(trx, c, { type: 'public_response' });
    await trx
      .updateTable('cases')
      .set({ updated_at: at, ...plan.columns })
      .where('id', '=', id)
      .execute();
    await plan.write();
  }

  async addNote(actor: Actor, id: string, input: NoteCreateDto) {
    return tx(this.ctx, async (trx) => {
      const c = await this.getRow(trx, id);
      if (input.contactId) await this.contacts.getRow(trx, input.contactId);
      return this.addNoteIn(trx, actor, c, input);
    });
  }

  /** A note inside the caller's transaction (routing's transfer leaves its context as an internal note). */
  async noteIn(trx: Executor, actor: Actor, id: string, input: NoteCreateDto) {
    return this.addNoteIn(trx, actor, await this.getRow(trx, id), input);
  }

  /** `meetsClocks: false`: a reply that reaches the customer later (an e-mail meets the clocks when sent). */
  private async addNoteIn(
    trx: Executor,
    actor: Actor,
    c: CaseRow,
    input: NoteCreateDto,
    opts: { meetsClocks: boolean } = { meetsClocks: true },
  ) {
    const id = c.id;
    const at = nowIso(this.ctx);
    const note = {
      id: newId(),
      case_id: c.id,
      author_id: actor.userId,
      visibility: input.visibility,
      body: input.body,
      contact_id: input.contactId ?? null,
      created_at: at,
    };
    await trx.insertInto('case_notes').values(note).execute();
    // Said: the writer's draft of it is done with.
    await trx
      .deleteFrom('case_drafts')
      .where('case_id', '=', id)
      .where('user_id', '=', actor.userId)
      .execute();
    // A customer-visible reply is the first response, and each one restarts the update cycle.
    const plan =
      input.visibility === 'public' && opts.meetsClocks
        ? await this.slaPlan(trx, c, { type: 'public_response' })
        : null;
    await trx
      .updateTable('cases')
      .set({ updated_at: at, ...(plan?.columns ?? {}) })
      .where('id', '=', id)
      .execute();
    await plan?.write();
    await this.event(trx, id, at, actor, input.visibility === 'public' ? 'reply.added' : 'note.added', {
      noteId: note.id,
    });
    await audit(trx, {
      at,
      actor,
      entityType: 'case',
      entityId: id,
      action: 'case.note_added',
      after: { noteId: note.id, visibility: note.visibility },
    });
    await emit(trx, at, 'case.note_added', { id, noteId: note.id, visibility: note.visibility });
    await this.eventBus.publish(trx, 'case.note_added', {
      caseId: id,
      noteId: note.id,
      visibility: note.visibility,
    });
    return {
      id: note.id,
      caseId: note.case_id,
      authorId: note.author_id,
      visibility: note.visibility,
      body: note.body,
      contactId: note.contact_id,
      createdAt: note.created_at,
    };
  }

  /**
   * Keep the customer informed: the update goes out on a channel, is logged as an outbound contact,
   * and stands as a customer-visible reply (it meets the first-response and next-update clocks).
   */
  async sendProgressUpdate(
    actor: Actor,
    id: string,
    input: { channel: string; body: string; withoutSending?: boolean | undefined },
  ) {
    return tx(this.ctx, async (trx) => {
      const c = await this.getRow(trx, id);
      // Nothing is in progress on a closed case; it is reopened first if there is.
      if (c.status === 'closed') throw new AppError('case.closed');
      const contactId = await this.contacts.logOutbound(trx, actor, {
        channel: input.channel,
        customerId: c.customer_id,
        notes: input.body,
        caseId: id,
      });
      // By e-mail it is a reply like any other: the clocks are met when it is sent, not queued.
      const mailed = input.channel === 'email' && !input.withoutSending;
      const note = await this.addNoteIn(
        trx,
        actor,
        c,
        { visibility: 'public', body: input.body, contactId },
        { meetsClocks: !mailed },
      );
      await this.event(trx, id, note.createdAt, actor, 'progress_update.sent', {
        contactId,
        noteId: note.id,
        channel: input.channel,
        ...(input.withoutSending ? { sent: false } : {}),
      });
      // The channel's own module delivers it (an e-mail is queued in this transaction), unless the
      // officer chose, explicitly, to record it without sending (the customer has no address).
      if (!input.withoutSending)
        await this.eventBus.publish(trx, 'case.progress_update_sent', {
          caseId: id,
          channel: input.channel,
          body: input.body,
          actor,
        });
      return { contactId, noteId: note.id, sentAt: note.createdAt };
    });
  }

  /**
   * transfer: the case leaves the officer and joins the department's queue, pending that action party.
   * signpost: the need cannot be met here; record the department or party and the number given.
   */
  async refer(actor: Actor, id: string, input: ReferralCreateDto, ifMatch?: number) {
    if (input.mode === 'transfer' && !input.departmentId) {
      throw new AppError('request.invalid', 'A transfer needs a department', {
        errors: [fieldError('/body/departmentId', 'requiredForTransfer', 'is required for a transfer')],
      });
    }
    if (input.mode === 'signpost' && !input.departmentId && !input.partyName) {
      throw new AppError('request.invalid', 'Name the department or party the customer was referred to', {
        errors: [
          fieldError('/body/departmentId', 'departmentOrParty', 'departmentId or partyName is required'),
        ],
      });
    }
    return tx(this.ctx, async (trx) => {
      const before = await this.getRow(trx, id);
      await this.checkVersion(trx, before, ifMatch);
      const dept = input.departmentId
        ? await trx
            .selectFrom('departments')
            .selectAll()
            .where('id', '=', input.departmentId)
            .executeTakeFirst()
        : undefined;
      if (input.departmentId && !dept)
        throw refNotFound(
          'department.not_found',
          '/body/departmentId',
          'noSuchDepartment',
          'no such department',
          input.departmentId,
        );
      if (input.mode === 'transfer' && dept && dept.external) {
        throw new AppError(
          'request.invalid',
          'Cases transfer only to internal departments; signpost outside parties',
          {
            errors: [fieldError('/body/departmentId', 'outsideParty', 'is an outside party')],
          },
        );
      }
      const numberGiven =
        input.contactNumberGiven ?? (input.mode === 'signpost' ? (dept?.phone ?? null) : null);
      if (input.mode === 'signpost' && !numberGiven) {
        throw new AppError('request.invalid', 'Record the number given to the customer', {
          errors: [
            fieldError(
              '/body/contactNumberGiven',
              'requiredWithoutNumber',
              'is required when the party has no number on file',
            ),
          ],
        });
      }
      const at = nowIso(this.ctx);
      const referral = {
        id: newId(),
        case_id: id,
        mode: input.mode,
        department_id: dept?.id ?? null,
        party_name: input.partyName ?? dept?.name ?? null,
        contact_number_given: numberGiven,
        reason: input.reason,
        urgent: input.urgent ?? false,
        created_by: actor.userId,
        created_at: at,
      };
      if (input.mode === 'transfer') {
        const t = transition(before.status as CaseStatus, 'await_action_party');
        if (!t.ok && before.status !== 'pending_action_party') {
          throw new AppError('case.transition_not_allowed', `Cannot refer a case that is ${before.status}`, {
            extra: { from: before.status, action: 'refer' },
          });
        }
        const next: CaseRow = {
          ...before,
          status: 'pending_action_party',
          department_id: dept!.id,
          assignee_id: null,
          priority: input.urgent ? 'urgent' : before.priority,
          updated_at: at,
        };
        const plan = await this.slaPlan(trx, next, {
          type: 'status',
          from: before.status,
          to: next.status,
          action: 'await_action_party',
        });
        await plan.write();
        const followed = await this.slaFollows(trx, before, next);
        await this.save(trx, before, next, actor, 'case.referred');
        await followed?.write();
        await this.eventBus.publish(trx, 'case.changed', { before, after: next });
      } else {
        // A signposted enquiry is handled at once: the customer has been given the party and its number,
        // so the case is resolved (its clocks stop) rather than left open to breach in the officer's queue.
        // It stays a case, not a bare contact, so volumes by type and category, and a call back, find it.
        const t = transition(before.status as CaseStatus, 'resolve');
        const party = referral.party_name ?? 'another party';
        const next: CaseRow = t.ok
          ? {
              ...before,
              status: t.to,
              resolution_summary:
                before.resolution_summary ??
                `Signposted to ${party} (number given: ${numberGiven}). ${input.reason}`,
              resolved_at: at,
              updated_at: at,
            }
          : { ...before, updated_at: at };
        const plan = t.ok
          ? await this.slaPlan(trx, next, {
              type: 'status',
              from: before.status,
              to: t.to,
              action: 'resolve',
            })
          : undefined;
        await this.save(trx, before, next, actor, 'case.signposted');
        await plan?.write();
        // Resolved like any resolution: reactions (the bell, escalations) hear of it.
        if (t.ok) await this.eventBus.publish(trx, 'case.changed', { before, after: next });
      }
      await trx.insertInto('referrals').values(referral).execute();
      await this.event(trx, id, at, actor, input.mode === 'transfer' ? 'case.referred' : 'case.signposted', {
        referralId: referral.id,
        departmentId: referral.department_id,
        partyName: referral.party_name,
        contactNumberGiven: referral.contact_number_given,
        reason: referral.reason,
        urgent: referral.urgent,
      });
      return presentReferral(referral);
    });
  }

  /**
   * Merge a duplicate into the case kept (issue 12): its notes, contacts, referrals and timeline move
   * to the kept case; the duplicate is closed as merged and points at it; both timelines say so.
   * Follow-ups and search documents move by reaction to `case.merged`, in the same transaction.
   */
  async merge(actor: Actor, fromId: string, intoId: string, ifMatch?: number) {
    return tx(this.ctx, async (trx) => {
      const from = await this.getRow(trx, fromId);
      await this.checkVersion(trx, from, ifMatch);
      if (fromId === intoId)
        throw new AppError('case.merge_invalid', 'A case cannot be merged into itself', {
          errors: [fieldError('/body/intoId', 'sameCase', 'is this case')],
        });
      const into = await trx.selectFrom('cases').selectAll().where('id', '=', intoId).executeTakeFirst();
      if (!into) throw refNotFound('case.not_found', '/body/intoId', 'noSuchCase', 'no such case', intoId);
      if (from.merged_into_id || into.merged_into_id)
        throw new AppError('case.merge_invalid', 'One of these cases was already merged into another', {
          errors: [
            fieldError(
              from.merged_into_id ? '/params/id' : '/body/intoId',
              'caseAlreadyMerged',
              'was already merged',
            ),
          ],
        });
      if (into.status === 'closed')
        throw new AppError('case.merge_invalid', 'The case to keep is closed: reopen it first', {
          errors: [fieldError('/body/intoId', 'caseClosed', 'is closed')],
        });
      const at = nowIso(this.ctx);
      await trx.updateTable('case_notes').set({ case_id: intoId }).where('case_id', '=', fromId).execute();
      await trx.updateTable('case_events').set({ case_id: intoId }).where('case_id', '=', fromId).execute();
      await trx.updateTable('referrals').set({ case_id: intoId }).where('case_id', '=', fromId).execute();
      // A contact on both keeps one link; the others move.
      await trx
        .deleteFrom('contact_cases')
        .where('case_id', '=', fromId)
        .where('contact_id', 'in', (eb) =>
          eb.selectFrom('contact_cases').select('contact_id').where('case_id', '=', intoId),
        )
        .execute();
      await trx.updateTable('contact_cases').set({ case_id: intoId }).where('case_id', '=', fromId).execute();
      await trx.deleteFrom('case_drafts').where('case_id', '=', fromId).execute();
      const next: CaseRow = {
        ...from,
        status: 'closed',
        merged_into_id: intoId,
        resolution_summary: from.resolution_summary ?? `Merged into ${into.reference}`,
        resolved_at: from.resolved_at ?? at,
        closed_at: at,
        updated_at: at,
      };
      const plan = await this.slaPlan(trx, next, {
        type: 'status',
        from: from.status,
        to: 'closed',
        action: 'close',
      });
      await this.save(trx, from, next, actor, 'case.merged');
      await plan.write();
      // Both timelines say it, each naming the other.
      await this.event(trx, fromId, at, actor, 'case.merged_into', {
        caseId: intoId,
        reference: into.reference,
      });
      await this.event(trx, intoId, at, actor, 'case.merged_from', {
        caseId: fromId,
        reference: from.reference,
      });
      const keptNext: CaseRow = { ...into, updated_at: at };
      await this.save(trx, into, keptNext, actor, 'case.merge_received');
      await this.eventBus.publish(trx, 'case.merged', { fromId, intoId, at });
      await this.eventBus.publish(trx, 'case.changed', { before: from, after: next });
      return presentCase(keptNext, at);
    });
  }

  /** The duplicates merged into a case, for its workspace. */
  async mergedInto(id: string) {
    return this.db
      .selectFrom('cases')
      .select(['id', 'reference', 'subject'])
      .where('merged_into_id', '=', id)
      .orderBy('id')
      .limit(50)
      .execute();
  }

  /**
   * One change to many cases, each in its own transaction (a bulk action is many small ones: a
   * refusal on one case — a stale version, a move its status does not allow — leaves the others
   * done, and says why per row).
   */
  async bulk(actor: Actor, input: CaseBulkDto) {
    const { action, resolutionSummary, ...fields } = input.change;
    const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const results = [];
    for (const item of input.items) {
      try {
        let version = item.version;
        if (Object.keys(patch).length) version = (await this.update(actor, item.id, patch, version)).version;
        if (action)
          version = (
            await this.transition(
              actor,
              item.id,
              { action, ...(resolutionSummary ? { resolutionSummary } : {}) },
              version,
            )
          ).version;
        results.push({ id: item.id, ok: true, ...(version !== undefined ? { version } : {}) });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ id: item.id, ok: false, code: e.code, message: e.message });
      }
    }
    return { results };
  }

  /**
   * A page of cases in one order, after a cursor: see case-list.ts for why it stays flat with volume.
   * `lines`: without the long texts (a queue's lines), which come back null.
   */
  async list(q: CaseListQueryDto & { limit: number }, opts: { lines?: boolean } = {}) {
    const now = nowIso(this.ctx);
    const { sort = 'newest', cursor, limit, status, ...filters } = q;
    const page = await listPage(
      this.db,
      { ...filters, status: status?.split(',') },
      sort,
      cursor,
      limit,
      now,
      opts.lines,
    );
    return { items: page.rows.map((r) => presentCase(r, now)), nextCursor: page.nextCursor };
  }

  /** Counts for a queue's header: the open cases of one owner, team or department (or all). */
  async counts(s: {
    assigneeId?: string | undefined;
    teamId?: string | undefined;
    departmentId?: string | undefined;
  }) {
    return openCounts(this.db, s, nowIso(this.ctx));
  }
}
