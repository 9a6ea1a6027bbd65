import type { Selectable } from 'kysely';
import type {
  CommitmentCreateDto,
  CommitmentDto,
  CommitmentKeepDto,
  CommitmentPatchDto,
} from '../../../shared/contracts/followups.ts';
import { type Actor, audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, parseInstant, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CommitmentsTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, invalidFields, notFound } from '../../platform/errors.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import type { TimerRow, Timers } from '../../platform/timers.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { PeopleService } from '../people/people.service.ts';

type Row = Selectable<CommitmentsTable>;
type Joined = Row & { reference: string; subject: string; customer_name: string | null };

const METHOD_VERB: Record<string, string> = {
  call: 'Call',
  email: 'E-mail',
  sms: 'Text',
  letter: 'Write to',
  visit: 'Visit',
};

/**
 * Follow-up commitments: "I'll call you back by Thursday 5 pm" becomes a row with a reminder before
 * it and an alarm at it, in the officer's list until kept or cancelled.
 */
export class CommitmentsService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly notifications: NotificationsService;
  private readonly people: PeopleService;
  private readonly timers: Timers;
  private readonly eventBus: DomainEventBus;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      notifications: NotificationsService;
      people: PeopleService;
      timers: Timers;
      events: DomainEventBus;
    },
  ) {
    this.ctx = ctx;
    this.eventBus = deps.events;
    this.cases = deps.cases;
    this.notifications = deps.notifications;
    this.people = deps.people;
    this.timers = deps.timers;
    this.timers.on('commitment.remind', (trx, t, now) => this.onTimer(trx, t, now, false));
    this.timers.on('commitment.due', (trx, t, now) => this.onTimer(trx, t, now, true));
  }

  private present(r: Joined, now: string): CommitmentDto {
    return {
      id: r.id,
      caseId: r.case_id,
      caseReference: r.reference,
      caseSubject: r.subject,
      customerId: r.customer_id,
      customerName: r.customer_name,
      officerId: r.officer_id,
      method: r.method as CommitmentDto['method'],
      dueAt: r.due_at,
      remindMinutes: r.remind_minutes,
      note: r.note,
      state: r.state as CommitmentDto['state'],
      overdue: r.state === 'open' && r.due_at <= now,
      createdAt: r.created_at,
      completedAt: r.completed_at,
    };
  }

  private joined(trx: Executor) {
    return trx
      .selectFrom('commitments')
      .innerJoin('cases', 'cases.id', 'commitments.case_id')
      .leftJoin('customers', 'customers.id', 'commitments.customer_id')
      .selectAll('commitments')
      .select(['cases.reference', 'cases.subject', 'customers.display_name as customer_name']);
  }

  private async getJoined(trx: Executor, id: string): Promise<Joined> {
    const r = await this.joined(trx).where('commitments.id', '=', id).executeTakeFirst();
    if (!r) throw notFound('commitment.not_found', id);
    return r;
  }

  private async schedule(
    trx: Executor,
    r: Pick<Row, 'id' | 'case_id' | 'due_at' | 'remind_minutes'>,
    now: string,
  ) {
    const remindAt = new Date(Date.parse(r.due_at) - r.remind_minutes * 60_000).toISOString();
    if (r.remind_minutes > 0 && remindAt > now)
      await this.timers.schedule(trx, {
        kind: 'commitment.remind',
        dueAt: remindAt,
        caseId: r.case_id,
        refId: r.id,
        payload: { dueAt: r.due_at },
      });
    await this.timers.schedule(trx, {
      kind: 'commitment.due',
      dueAt: r.due_at,
      caseId: r.case_id,
      refId: r.id,
      payload: { dueAt: r.due_at },
    });
  }

  /** `customer.merged`: follow-ups promised to the loser are owed to the winner (found through their cases). */
  /** `case.merged`: the duplicate's commitments are the kept case's now. */
  async onCaseMerged(trx: Executor, fromId: string, intoId: string): Promise<void> {
    await trx.updateTable('commitments').set({ case_id: intoId }).where('case_id', '=', fromId).execute();
  }

  async onCustomerMerged(trx: Executor, loserId: string, winnerId: string): Promise<void> {
    await trx
      .updateTable('commitments')
      .set({ customer_id: winnerId })
      .where('customer_id', '=', loserId)
      .where('case_id', 'in', (eb) =>
        eb.selectFrom('cases').select('id').where('customer_id', 'in', [loserId, winnerId]),
      )
      .execute();
  }

  async create(actor: Actor, caseId: string, input: CommitmentCreateDto): Promise<CommitmentDto> {
    const at = nowIso(this.ctx);
    const dueAt = parseInstant(input.dueAt, '/body/dueAt');
    if (dueAt <= at)
      throw new AppError('commitment.in_past', undefined, {
        errors: [fieldError('/body/dueAt', 'inFuture', 'must be in the future')],
      });
    return tx(this.ctx, async (trx) => {
      const c = await this.cases.row(trx, caseId);
      // A promise to the customer belongs to a live case; a closed one is reopened first.
      if (c.status === 'closed') throw new AppError('case.closed');
      const row: Row = {
        id: newId(),
        case_id: c.id,
        customer_id: c.customer_id,
        officer_id: actor.userId,
        method: input.method,
        due_at: dueAt,
        remind_minutes: input.remindMinutes ?? 15,
        note: input.note ?? null,
        state: 'open',
        created_at: at,
        updated_at: at,
        completed_at: null,
      };
      await trx.insertInto('commitments').values(row).execute();
      await this.schedule(trx, row, at);
      await this.cases.event(trx, c.id, at, actor, 'commitment.made', {
        commitmentId: row.id,
        dueAt,
        method: row.method,
        note: row.note,
      });
      await audit(trx, {
        at,
        actor,
        entityType: 'case',
        entityId: c.id,
        action: 'commitment.made',
        after: row,
      });
      return this.present(await this.getJoined(trx, row.id), at);
    });
  }

  async list(
    actor: Actor,
    q: { officerId?: string | undefined; caseId?: string | undefined; state?: string | undefined },
  ) {
    let query = this.joined(this.ctx.store.db)
      .orderBy('commitments.due_at')
      .orderBy('commitments.id')
      .limit(500);
    // By default: my open commitments. A case's commitments are everyone's.
    if (q.caseId) query = query.where('commitments.case_id', '=', q.caseId);
    else query = query.where('commitments.officer_id', '=', q.officerId ?? actor.userId);
    const state = q.state ?? 'open';
    if (state !== 'all') query = query.where('commitments.state', '=', state);
    const now = nowIso(this.ctx);
    return (await query.execute()).map((r) => this.present(r, now));
  }

  async update(actor: Actor, id: string, input: CommitmentPatchDto): Promise<CommitmentDto> {
    const at = nowIso(this.ctx);
    const dueAt = input.dueAt ? parseInstant(input.dueAt, '/body/dueAt') : undefined;
    if (dueAt && dueAt <= at)
      throw new AppError('commitment.in_past', undefined, {
        errors: [fieldError('/body/dueAt', 'inFuture', 'must be in the future')],
      });
    return tx(this.ctx, (trx) => this.updateIn(trx, actor, id, input, dueAt, at));
  }

  private async updateIn(
    trx: Executor,
    actor: Actor,
    id: string,
    input: CommitmentPatchDto,
    dueAt: string | undefined,
    at: string,
    kept: { body: string | null; sent: boolean } | null = null,
  ): Promise<CommitmentDto> {
    const before = await this.getJoined(trx, id);
    if (before.state !== 'open') throw new AppError('commitment.not_open', `It is ${before.state}`);
    const next: Row = {
      ...before,
      state: input.state ?? before.state,
      due_at: dueAt ?? before.due_at,
      note: input.note ?? before.note,
      updated_at: at,
      completed_at: input.state ? at : null,
    };
    // Only an open one changes: of two keeps racing (a double-click), the second changes nothing.
    const changed = await trx
      .updateTable('commitments')
      .set({
        state: next.state,
        due_at: next.due_at,
        note: next.note,
        updated_at: at,
        completed_at: next.completed_at,
      })
      .where('id', '=', id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(changed.numUpdatedRows) === 0) throw new AppError('commitment.not_open');
    await this.timers.cancel(trx, id);
    if (next.state === 'open') await this.schedule(trx, next, at);
    const kind =
      input.state === 'kept'
        ? 'commitment.kept'
        : input.state === 'cancelled'
          ? 'commitment.cancelled'
          : 'commitment.rescheduled';
    const how = kept
      ? { method: before.method, sent: kept.sent, ...(kept.body ? { body: kept.body } : {}) }
      : {};
    await this.cases.event(trx, before.case_id, at, actor, kind, {
      commitmentId: id,
      dueAt: next.due_at,
      ...how,
    });
    await audit(trx, {
      at,
      actor,
      entityType: 'case',
      entityId: before.case_id,
      action: kind,
      before: { state: before.state, dueAt: before.due_at, note: before.note },
      after: { state: next.state, dueAt: next.due_at, note: next.note, ...how },
    });
    // The e-mail leaves through the messages module, queued in this transaction (as a reply is).
    if (kept?.sent && kept.body)
      await this.eventBus.publish(trx, 'case.follow_up_sent', {
        caseId: before.case_id,
        commitmentId: id,
        body: kept.body,
        actor,
        channel: before.method === 'sms' ? 'sms' : 'email',
      });
    return this.present({ ...before, ...next }, at);
  }

  /**
   * Keep a promise (000 module 3 task 3 step 7). By e-mail, the officer's message goes to the
   * customer on the case's thread, queued with the keeping and sent by the sender loop; it meets
   * the first-response clock when it is sent, as any reply does. Without an address the whole
   * keeping is refused (noRecipient) so the officer can choose, explicitly, to record it as kept
   * without sending. Any other method: the words, if given, are recorded on the timeline.
   */
  async keep(actor: Actor, id: string, input: CommitmentKeepDto): Promise<CommitmentDto> {
    const at = nowIso(this.ctx);
    return tx(this.ctx, async (trx) => {
      const c = await this.getJoined(trx, id);
      // By e-mail or SMS (issue 14) the promise is kept by what is sent.
      const byEmail = (c.method === 'email' || c.method === 'sms') && !input.withoutSending;
      if (byEmail && !input.body)
        throw invalidFields([
          fieldError('/body/body', 'required', 'write the message, or keep it without sending'),
        ]);
      if (byEmail && c.state === 'open') {
        const live = await this.cases.row(trx, c.case_id);
        // Nothing goes out on a closed case (as for a reply); it is reopened first.
        if (live.status === 'closed') throw new AppError('case.closed');
      }
      return this.updateIn(trx, actor, id, { state: 'kept' }, undefined, at, {
        body: input.body ?? null,
        sent: byEmail,
      });
    });
  }

  private async onTimer(trx: Executor, t: TimerRow, now: string, due: boolean) {
    const r = await this.joined(trx)
      .where('commitments.id', '=', t.ref_id ?? '')
      .executeTakeFirst();
    if (r?.state !== 'open') return;
    const what = `${METHOD_VERB[r.method] ?? 'Contact'} ${r.customer_name ?? 'the customer'} about ${r.reference}`;
    if (!due) {
      await this.notifications.notify(trx, {
        userIds: [r.officer_id],
        kind: 'commitment.reminder',
        caseId: r.case_id,
        title: `Reminder: ${what}`,
        body: r.note ?? `"${r.subject}"`,
        // The due time travels as an instant; each reader sees it in their own zone.
        at: r.due_at,
      });
      return;
    }
    // Missed: the officer and their team leader both hear of it, and the timeline records it.
    const officer = await trx
      .selectFrom('users')
      .select(['team_id'])
      .where('id', '=', r.officer_id)
      .executeTakeFirst();
    const chain = await this.people.escalationChain(trx, {
      teamId: officer?.team_id ?? null,
      departmentId: null,
    });
    await this.notifications.notify(trx, {
      userIds: [r.officer_id, chain.teamLeaderId],
      kind: 'commitment.overdue',
      caseId: r.case_id,
      title: `Overdue: ${what}`,
      body: r.note ?? `"${r.subject}"`,
      at: r.due_at,
      urgent: true,
    });
    await this.cases.event(trx, r.case_id, now, SYSTEM_ACTOR, 'commitment.overdue', {
      commitmentId: r.id,
      dueAt: r.due_at,
    });
  }
}
