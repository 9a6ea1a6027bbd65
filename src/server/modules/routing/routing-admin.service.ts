import type { Selectable } from 'kysely';
import type {
  RoutingProfileDto,
  RoutingProfilePutDto,
  RoutingQueueDto,
  RoutingQueuePatchDto,
  RoutingQueueStateDto,
  RoutingStrategy,
} from '../../../shared/contracts/routing.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { parseJson, type RoutingQueuesTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/outbox.ts';
import type { RoutingService } from './routing.service.ts';
import { DEFAULT_CAPACITY, ROUTED_ROLES, type RoutingPass } from './routing-pass.ts';
import { ROUTABLE_STATES } from './routing-rules.ts';

type QueueRow = Selectable<RoutingQueuesTable>;
const CHANNELS = ['email', 'chat', 'sms'] as const;
/** Without history, an item is taken to be handled in this long (seconds). */
const DEFAULT_HANDLE_SECONDS = 300;
const RECENT = 50;

/**
 * Routing's administration and team view: officers' profiles (team leaders for their team,
 * supervisors and administrators any), queue settings, and a queue's waiting items with their
 * expected wait.
 */
export class RoutingAdmin {
  private readonly ctx: Ctx;
  private readonly routing: RoutingService;
  private readonly pass: RoutingPass;

  constructor(ctx: Ctx, deps: { routing: RoutingService }) {
    this.ctx = ctx;
    this.routing = deps.routing;
    this.pass = deps.routing.pass;
  }

  private get db() {
    return this.ctx.store.db;
  }

  /** A team leader manages and watches their own team; supervisors and administrators any. */
  private async teamOf(actor: Actor, teamId: string | undefined): Promise<string | null> {
    const own =
      actor.teamId !== undefined
        ? actor.teamId
        : ((
            await this.db
              .selectFrom('users')
              .select('team_id')
              .where('id', '=', actor.userId)
              .executeTakeFirst()
          )?.team_id ?? null);
    if (actor.role === 'team_leader') {
      if (teamId && teamId !== own)
        throw new AppError('auth.forbidden', 'A team leader manages their own team');
      return own;
    }
    return teamId ?? own;
  }

  async profiles(actor: Actor, teamId?: string): Promise<RoutingProfileDto[]> {
    const team = await this.teamOf(actor, teamId);
    let q = this.db
      .selectFrom('users as u')
      .leftJoin('routing_profiles as p', 'p.user_id', 'u.id')
      .select(['u.id', 'u.display_name', 'u.team_id', 'p.languages', 'p.skills', 'p.version'])
      .where('u.role', 'in', ROUTED_ROLES)
      .orderBy('u.display_name')
      .orderBy('u.id');
    if (team) q = q.where('u.team_id', '=', team);
    const users = await q.execute();
    return this.present(this.db, users);
  }

  private async present(
    db: Executor,
    users: {
      id: string;
      display_name: string;
      team_id: string | null;
      languages: unknown;
      skills: unknown;
      version: number | null;
    }[],
  ): Promise<RoutingProfileDto[]> {
    if (!users.length) return [];
    const caps = await db
      .selectFrom('routing_capacity')
      .selectAll()
      .where(
        'user_id',
        'in',
        users.map((u) => u.id),
      )
      .execute();
    return users.map((u) => {
      const mine = caps.filter((c) => c.user_id === u.id);
      const of = (ch: string, k: 'capacity' | 'load') => {
        const row = mine.find((c) => c.channel === ch);
        return row ? row[k] : k === 'capacity' ? (DEFAULT_CAPACITY[ch] ?? 0) : 0;
      };
      return {
        userId: u.id,
        displayName: u.display_name,
        teamId: u.team_id,
        languages: parseJson<string[]>(u.languages, []),
        skills: parseJson<{ name: string; level: number }[]>(u.skills, []),
        capacity: {
          email: of('email', 'capacity'),
          chat: of('chat', 'capacity'),
          sms: of('sms', 'capacity'),
        },
        load: { email: of('email', 'load'), chat: of('chat', 'load'), sms: of('sms', 'load') },
        version: u.version ?? 0,
      };
    });
  }

  /** Replace an officer's profile; the load is kept (lowering capacity only stops new offers). */
  async putProfile(actor: Actor, userId: string, input: RoutingProfilePutDto): Promise<RoutingProfileDto> {
    const out = await tx(this.ctx, async (trx) => {
      const u = await trx
        .selectFrom('users')
        .select(['id', 'display_name', 'team_id', 'role'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!u || !ROUTED_ROLES.includes(u.role)) throw notFound('user.not_found', userId);
      if (actor.role === 'team_leader' && (await this.teamOf(actor, undefined)) !== u.team_id)
        throw new AppError('auth.forbidden', 'A team leader manages their own team');
      const at = nowIso(this.ctx);
      const before = await trx
        .selectFrom('routing_profiles')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const names = new Set<string>();
      input.skills.forEach((s, i) => {
        if (names.has(s.name))
          throw new AppError('request.invalid', 'A skill is listed twice', {
            errors: [fieldError(`/body/skills/${i}/name`, 'uniqueItems', 'is listed twice')],
          });
        names.add(s.name);
      });
      const row = {
        languages: JSON.stringify(input.languages),
        skills: JSON.stringify(input.skills),
        version: (before?.version ?? 0) + 1,
        updated_at: at,
      };
      if (before) await trx.updateTable('routing_profiles').set(row).where('user_id', '=', userId).execute();
      else
        await trx
          .insertInto('routing_profiles')
          .values({ user_id: userId, ...row, last_ended_at: null, last_offered_at: null })
          .execute();
      for (const channel of CHANNELS) {
        const capacity = input.capacity[channel];
        const res = await trx
          .updateTable('routing_capacity')
          .set({ capacity })
          .where('user_id', '=', userId)
          .where('channel', '=', channel)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0)
          await trx
            .insertInto('routing_capacity')
            .values({ user_id: userId, channel, capacity, load: 0 })
            .execute();
      }
      await audit(trx, {
        at,
        actor,
        entityType: 'routing_profile',
        entityId: userId,
        action: 'routing_profile.updated',
        before: before
          ? { languages: parseJson(before.languages, []), skills: parseJson(before.skills, []) }
          : null,
        after: input,
      });
      await emit(trx, at, 'routing.profile_changed', { id: userId, teamIds: [u.team_id], userIds: [userId] });
      const [p] = await this.present(trx, [
        { ...u, languages: row.languages, skills: row.skills, version: row.version },
      ]);
      return p!;
    });
    // More room may mean an offer now.
    this.routing.poke();
    return out;
  }

  private async queueRow(id: string, trx: Executor = this.db): Promise<QueueRow> {
    const q = await trx.selectFrom('routing_queues').selectAll().where('id', '=', id).executeTakeFirst();
    if (!q) throw notFound('routing_queue.not_found', id);
    return q;
  }

  private async presentQueue(q: QueueRow, trx: Executor = this.db): Promise<RoutingQueueDto> {
    const team = q.team_id
      ? await trx.selectFrom('teams').select('name').where('id', '=', q.team_id).executeTakeFirst()
      : undefined;
    const open = await this.pass.openQueues(trx, [q], this.ctx.clock.now().getTime());
    return { ...this.queueDto(q, team?.name ?? 'Default'), open: open.has(q.id) };
  }

  private queueDto(q: QueueRow, name: string): Omit<RoutingQueueDto, 'open'> {
    return {
      id: q.id,
      teamId: q.team_id,
      name,
      strategy: q.strategy as RoutingStrategy,
      offerTimeoutSeconds: q.offer_timeout_seconds,
      relaxAfterSeconds: q.relax_after_seconds,
      overflowAfterSeconds: q.overflow_after_seconds,
      overflowQueueId: q.overflow_queue_id,
      calendarId: q.calendar_id,
      emailPull: !!q.email_pull,
      version: q.version,
    };
  }

  /** Every queue made so far (one per team that has had routed work or was looked at, and the default), by name. */
  async queues(): Promise<RoutingQueueDto[]> {
    const rows = await this.db.selectFrom('routing_queues').selectAll().execute();
    const names = new Map(
      (await this.db.selectFrom('teams').select(['id', 'name']).execute()).map((t) => [t.id, t.name]),
    );
    const open = await this.pass.openQueues(this.db, rows, this.ctx.clock.now().getTime());
    return rows
      .map((q) => ({
        ...this.queueDto(q, q.team_id ? (names.get(q.team_id) ?? 'Default') : 'Default'),
        open: open.has(q.id),
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async patchQueue(actor: Actor, id: string, input: RoutingQueuePatchDto): Promise<RoutingQueueDto> {
    const out = await tx(this.ctx, async (trx) => {
      const before = await this.queueRow(id, trx);
      if (actor.role === 'team_leader' && (await this.teamOf(actor, undefined)) !== before.team_id)
        throw new AppError('auth.forbidden', 'A team leader manages their own team');
      if (input.overflowQueueId === id)
        throw new AppError('routing_queue.overflow_loop', 'A queue cannot overflow into itself', {
          errors: [fieldError('/body/overflowQueueId', 'invalid', 'must be another queue')],
        });
      if (input.overflowQueueId) await this.queueRow(input.overflowQueueId, trx);
      if (input.calendarId) {
        const cal = await trx
          .selectFrom('business_calendars')
          .select('id')
          .where('id', '=', input.calendarId)
          .executeTakeFirst();
        if (!cal)
          throw new AppError('calendar.not_found', input.calendarId, {
            errors: [fieldError('/body/calendarId', 'noSuchCalendar', 'no such calendar')],
          });
      }
      const at = nowIso(this.ctx);
      const set: Partial<QueueRow> = { version: before.version + 1, updated_at: at };
      if (input.strategy !== undefined) set.strategy = input.strategy;
      if (input.offerTimeoutSeconds !== undefined) set.offer_timeout_seconds = input.offerTimeoutSeconds;
      if (input.relaxAfterSeconds !== undefined) set.relax_after_seconds = input.relaxAfterSeconds;
      if (input.overflowAfterSeconds !== undefined) set.overflow_after_seconds = input.overflowAfterSeconds;
      if (input.overflowQueueId !== undefined) set.overflow_queue_id = input.overflowQueueId;
      if (input.calendarId !== undefined) set.calendar_id = input.calendarId;
      if (input.emailPull !== undefined) set.email_pull = input.emailPull;
      await trx
        .updateTable('routing_queues')
        .set(set as never)
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'routing_queue',
        entityId: id,
        action: 'routing_queue.updated',
        after: input,
      });
      await emit(trx, at, 'routing.queue_changed', { id, teamIds: [before.team_id] });
      return this.presentQueue(await this.queueRow(id, trx), trx);
    });
    this.routing.poke();
    return out;
  }

  /**
   * A team's queue as its leader sees it: waiting and offered items in the order they are served,
   * each with its position and an expected wait (the queue's recent handle times spread over the
   * room the routable people have on the item's channel).
   */
  async queueState(actor: Actor, teamId?: string): Promise<RoutingQueueStateDto> {
    const team = await this.teamOf(actor, teamId);
    const q = await tx(this.ctx, (trx) => this.routing.queueFor(trx, team));
    const nowMs = this.ctx.clock.now().getTime();
    const items = await this.db
      .selectFrom('routing_items as i')
      .innerJoin('cases as c', 'c.id', 'i.case_id')
      .leftJoin('users as u', 'u.id', 'i.offered_to')
      .select([
        'i.id',
        'i.case_id',
        'i.channel',
        'i.priority',
        'i.language',
        'i.skills',
        'i.state',
        'i.enqueued_at',
        'c.reference',
        'c.subject',
        'u.display_name as offered_to',
      ])
      .where('i.queue_id', '=', q.id)
      .where('i.state', 'in', ['waiting', 'offered'])
      .orderBy('i.priority')
      .orderBy('i.enqueued_at')
      .orderBy('i.id')
      .limit(200)
      .execute();
    const recent = await this.db
      .selectFrom('routing_items')
      .select(['assigned_at', 'ended_at', 'channel'])
      .where('queue_id', '=', q.id)
      .where('state', '=', 'done')
      .orderBy('ended_at', 'desc')
      .limit(RECENT)
      .execute();
    const handle = (channel: string) => {
      const xs = recent
        .filter((r) => r.channel === channel && r.assigned_at && r.ended_at)
        .map((r) => (Date.parse(r.ended_at!) - Date.parse(r.assigned_at!)) / 1000);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : DEFAULT_HANDLE_SECONDS;
    };
    // Room: the capacity on each channel of the people serving the queue who are routable now.
    const serving = await this.pass.candidates(this.db, [q]);
    const room = (channel: string) =>
      Math.max(
        1,
        serving
          .filter((c) => ROUTABLE_STATES.has(c.state))
          .reduce((a, c) => a + (c.slots.get(channel)?.capacity ?? 0), 0),
      );
    const ahead = new Map<string, number>();
    return {
      queue: await this.presentQueue(q),
      items: items.map((r, i) => {
        // Waiting items of the channel ahead of this one (an offered one is as good as being handled).
        const before = ahead.get(r.channel) ?? 0;
        if (r.state === 'waiting') ahead.set(r.channel, before + 1);
        const expected =
          r.state === 'offered' ? 0 : Math.ceil(((before + 1) / room(r.channel)) * handle(r.channel));
        return {
          id: r.id,
          caseId: r.case_id,
          caseReference: r.reference,
          subject: r.subject,
          channel: r.channel as 'email' | 'chat' | 'sms',
          priority: r.priority,
          language: r.language,
          skills: parseJson<{ name: string; min: number }[]>(r.skills, []),
          state: r.state as 'waiting' | 'offered',
          offeredTo: r.offered_to ?? null,
          position: i + 1,
          enqueuedAt: r.enqueued_at,
          waitingSeconds: Math.max(0, Math.floor((nowMs - Date.parse(r.enqueued_at)) / 1000)),
          expectedWaitSeconds: expected,
        };
      }),
    };
  }
}
