import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type {
  PresenceDto,
  PresenceSet,
  PresenceState,
  TimeInStateDto,
} from '../../../shared/contracts/presence.ts';
import { can } from '../../../shared/permissions.ts';
import { type Actor, audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type PresenceStatesTable, parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { TimerRow, Timers } from '../../platform/timers.ts';
import type { PresenceReasons } from './reasons.service.ts';
import { dayBounds, dayOf, midnightsBetween, sumStints } from './time-in-state.ts';
import { type PresenceAction, transition } from './transitions.ts';

type StateRow = Selectable<PresenceStatesTable>;
type SetBy = 'self' | 'system' | 'leader';

const ACW_TIMER = 'presence.acw_end';
const GRACE_TIMER = 'presence.offline_grace';

/** Roles that watch any team; a team leader watches only their own. */
const WATCHES_ALL = new Set(['supervisor', 'administrator']);

/**
 * Presence (issue 14, point 1): each person's state, changed through the transition table by the
 * person, the system (contacts, the after-contact-work timer, a desktop gone past the grace period,
 * sign-out) or a team leader (offline only, audited). Every change closes a stint in
 * `presence_history` (cut at the centre's midnights, so a day is one index range) and opens the
 * next, and emits `presence.changed` to the person's team and user rooms.
 */
export class PresenceService {
  private readonly ctx: Ctx;
  private readonly timers: Timers;
  readonly reasons: PresenceReasons;
  /** How long a person's last desktop connection may be gone before they are set offline. */
  readonly graceMs: number;

  constructor(ctx: Ctx, deps: { timers: Timers; reasons: PresenceReasons; graceMs: number }) {
    this.ctx = ctx;
    this.timers = deps.timers;
    this.reasons = deps.reasons;
    this.graceMs = deps.graceMs;
    this.timers.on(ACW_TIMER, (trx, t, now) => this.acwEnded(trx, t, now));
    this.timers.on(GRACE_TIMER, (trx, t, now) => this.graceEnded(trx, t, now));
  }

  private get db() {
    return this.ctx.store.db;
  }

  /** The centre's time zone: its first business calendar's, else UTC (as merge data reads it). */
  async timeZone(db: Executor = this.db): Promise<string> {
    const row = await db
      .selectFrom('business_calendars')
      .select('time_zone')
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    return row?.time_zone ?? 'UTC';
  }

  // ---- reading ----

  async get(userId: string, db: Executor = this.db): Promise<PresenceDto> {
    const [p] = await this.present(db, [userId]);
    if (!p) throw notFound('user.not_found', userId);
    return p;
  }

  /** Several people's current states in one read (routing asks before each pass; read-only). */
  async statesOf(userIds: readonly string[], db: Executor = this.db): Promise<PresenceDto[]> {
    return this.present(db, userIds);
  }

  /** The states of people, those who never had one shown offline since their account was made. */
  private async present(db: Executor, userIds: readonly string[]): Promise<PresenceDto[]> {
    if (!userIds.length) return [];
    const rows = await db
      .selectFrom('users as u')
      .leftJoin('presence_states as s', 's.user_id', 'u.id')
      .leftJoin('presence_reasons as r', 'r.id', 's.reason_id')
      .select([
        'u.id',
        'u.display_name',
        'u.created_at',
        's.state',
        's.since',
        's.reason_id',
        'r.name as reason_name',
        's.set_by',
        's.until_at',
        's.version',
      ])
      .where('u.id', 'in', userIds)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return userIds.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      return [
        {
          userId: r.id,
          displayName: r.display_name,
          state: (r.state ?? 'offline') as PresenceState,
          since: r.since ?? r.created_at,
          reasonId: r.reason_id ?? null,
          reasonName: r.reason_name ?? null,
          setBy: (r.set_by ?? 'system') as SetBy,
          until: r.until_at ?? null,
          version: r.version ?? 0,
        },
      ];
    });
  }

  /** Which team an actor may watch: a leader their own; supervisors and administrators any. */
  private async watchedTeam(actor: Actor, teamId: string | undefined): Promise<string> {
    const own = actor.teamId ?? null;
    const wanted = teamId ?? own;
    if (!wanted) throw invalid('/query/teamId', 'required', 'you are in no team: name one');
    if (!WATCHES_ALL.has(actor.role) && actor.via !== 'system' && wanted !== own)
      throw new AppError('presence.not_your_team');
    const team = await this.db.selectFrom('teams').select('id').where('id', '=', wanted).executeTakeFirst();
    if (!team) throw invalid('/query/teamId', 'noSuchTeam', 'no such team');
    return wanted;
  }

  /** The team's people who take contacts, with their states, by name. */
  async team(actor: Actor, teamId?: string): Promise<{ teamId: string; items: PresenceDto[] }> {
    const id = await this.watchedTeam(actor, teamId);
    const members = await this.db
      .selectFrom('users')
      .select('id')
      .where('team_id', '=', id)
      .where('active', '=', true)
      .where('role', 'in', ['officer', 'trainee', 'team_leader', 'supervisor'])
      .orderBy('display_name')
      .execute();
    return {
      teamId: id,
      items: await this.present(
        this.db,
        members.map((m) => m.id),
      ),
    };
  }

  /**
   * Seconds each person of a team spent in each state (and break reason) on a day of the centre:
   * one indexed query for the stints that day (closed ones start in it: they are cut at midnight)
   * and the open ones, clipped to the day and summed here.
   */
  async timeInState(actor: Actor, q: { teamId?: string; date?: string }): Promise<TimeInStateDto> {
    const teamId = await this.watchedTeam(actor, q.teamId);
    const zone = await this.timeZone();
    const now = nowIso(this.ctx);
    const date = q.date ?? dayOf(now, zone);
    const { from, to } = dayBounds(date, zone);
    const rows = await this.db
      .selectFrom('presence_history as h')
      .innerJoin('users as u', 'u.id', 'h.user_id')
      .leftJoin('presence_reasons as r', 'r.id', 'h.reason_id')
      .select([
        'h.user_id',
        'u.display_name',
        'h.state',
        'h.reason_id',
        'r.name as reason_name',
        'h.started_at',
        'h.ended_at',
      ])
      .where('h.team_id', '=', teamId)
      .where((eb) =>
        eb.or([
          eb.and([eb('h.started_at', '>=', from), eb('h.started_at', '<', to)]),
          eb.and([eb('h.ended_at', 'is', null), eb('h.started_at', '<', to)]),
        ]),
      )
      .execute();
    const sums = sumStints(rows, from, to, now);
    const names = new Map(rows.map((r) => [r.user_id, r.display_name]));
    const reasonNames = new Map(rows.map((r) => [r.reason_id ?? '', r.reason_name ?? null]));
    const items = [...sums]
      .map(([key, seconds]) => {
        const [userId, state, reasonId] = key.split('\u0000') as [string, PresenceState, string];
        return {
          userId,
          displayName: names.get(userId) ?? '',
          state,
          reasonId: reasonId || null,
          reasonName: reasonId ? (reasonNames.get(reasonId) ?? null) : null,
          seconds,
        };
      })
      .filter((r) => r.seconds > 0)
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.state.localeCompare(b.state));
    return { teamId, date, timeZone: zone, from, to, items };
  }

  // ---- changing ----

  /** The person sets their own state (a break names one of the active reasons). */
  async setOwn(actor: Actor, input: Static<typeof PresenceSet>): Promise<PresenceDto> {
    const action: PresenceAction =
      input.state === 'available' ? 'set_available' : input.state === 'break' ? 'set_break' : 'set_offline';
    if (input.state !== 'break' && input.reasonId !== undefined)
      throw invalid('/body/reasonId', 'onlyForBreak', 'a reason goes only with a break');
    if (input.state === 'break' && input.reasonId === undefined)
      throw invalid('/body/reasonId', 'required', 'a break needs a reason');
    return tx(this.ctx, async (trx) => {
      if (input.reasonId) {
        const r = await this.reasons.row(trx, input.reasonId);
        if (!r?.active) throw invalid('/body/reasonId', 'noSuchReason', 'is not a break reason in use');
      }
      await this.apply(trx, actor.userId, action, {
        setBy: 'self',
        by: actor,
        reasonId: input.reasonId ?? null,
      });
      return this.get(actor.userId, trx);
    });
  }

  /** A team leader signs an officer out (the only state they may set), audited. */
  async setByLeader(actor: Actor, userId: string): Promise<PresenceDto> {
    return tx(this.ctx, async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['id', 'team_id'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) throw notFound('user.not_found', userId);
      if (!WATCHES_ALL.has(actor.role) && (!actor.teamId || user.team_id !== actor.teamId))
        throw new AppError('presence.not_your_team');
      const before = await this.get(userId, trx);
      await this.apply(trx, userId, 'leader_offline', { setBy: 'leader', by: actor, reasonId: null });
      const after = await this.get(userId, trx);
      await audit(trx, {
        at: nowIso(this.ctx),
        actor,
        entityType: 'presence',
        entityId: userId,
        action: 'presence.set_by_leader',
        before: { state: before.state, reasonId: before.reasonId },
        after: { state: after.state },
      });
      return after;
    });
  }

  /** Sign-out: the person is offline at once. */
  async signedOut(actor: Actor): Promise<void> {
    if (!can(actor.role, 'presence.self')) return;
    await tx(this.ctx, (trx) =>
      this.apply(trx, actor.userId, 'signed_out', { setBy: 'system', by: actor, reasonId: null }),
    );
  }

  /** `contact.started` (in the contact's transaction): the officer is on a contact. */
  async onContactStarted(trx: Executor, officerId: string): Promise<void> {
    await this.apply(trx, officerId, 'contact_started', {
      setBy: 'system',
      by: SYSTEM_ACTOR,
      reasonId: null,
    });
  }

  /** `contact.ended`: after the officer's last open contact, after-contact work. */
  async onContactEnded(trx: Executor, officerId: string): Promise<void> {
    const open = await trx
      .selectFrom('contacts')
      .select('id')
      .where('officer_id', '=', officerId)
      .where('ended_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    if (open) return;
    await this.apply(trx, officerId, 'contact_ended', { setBy: 'system', by: SYSTEM_ACTOR, reasonId: null });
  }

  /** A desktop of the person connected (on this node): they are seen, and no grace timer runs. */
  async connected(userId: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      await this.ensureRow(trx, userId, at);
      await trx.updateTable('presence_states').set({ seen_at: at }).where('user_id', '=', userId).execute();
      await this.timers.cancel(trx, userId, [GRACE_TIMER]);
    });
  }

  /** The person's last desktop on this node went away: offline after the grace period, unless seen again. */
  async disconnected(userId: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      await this.ensureRow(trx, userId, at);
      await trx.updateTable('presence_states').set({ seen_at: at }).where('user_id', '=', userId).execute();
      await this.timers.cancel(trx, userId, [GRACE_TIMER]);
      await this.timers.schedule(trx, {
        kind: GRACE_TIMER,
        dueAt: new Date(Date.parse(at) + this.graceMs).toISOString(),
        refId: userId,
        payload: { at },
      });
    });
  }

  /** Desktops still connected on this node are seen now (so another node's grace timer spares them). */
  async seen(userIds: readonly string[]): Promise<void> {
    if (!userIds.length) return;
    await this.db
      .updateTable('presence_states')
      .set({ seen_at: nowIso(this.ctx) })
      .where('user_id', 'in', [...userIds])
      .execute();
  }

  private async acwEnded(trx: Executor, t: TimerRow, _now: string): Promise<void> {
    const { historyId } = parseJson<{ historyId?: string }>(t.payload, {});
    const row = await this.lock(trx, t.ref_id!);
    // The officer moved on by themselves (or took another contact): this stint is over already.
    if (!row || row.history_id !== historyId || row.state !== 'after_contact_work') return;
    await this.apply(trx, row.user_id, 'acw_expired', { setBy: 'system', by: SYSTEM_ACTOR, reasonId: null });
  }

  private async graceEnded(trx: Executor, t: TimerRow, _now: string): Promise<void> {
    const { at } = parseJson<{ at: string }>(t.payload, { at: '' });
    const row = await this.lock(trx, t.ref_id!);
    // Seen since (a reload, or a desktop on another node still beating): not gone.
    if (!row || row.state === 'offline' || (row.seen_at && Date.parse(row.seen_at) > Date.parse(at))) return;
    await this.apply(trx, row.user_id, 'disconnected', { setBy: 'system', by: SYSTEM_ACTOR, reasonId: null });
  }

  private async lock(trx: Executor, userId: string): Promise<StateRow | undefined> {
    const q = trx.selectFrom('presence_states').selectAll().where('user_id', '=', userId);
    return (this.ctx.store.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  }

  /**
   * The person's state row, locked for this transaction, made (offline, no stint) if they never had
   * one — in one statement: every contact an officer opens passes here (the statement budget).
   * ON CONFLICT DO UPDATE locks the existing row on PostgreSQL as FOR UPDATE would.
   */
  private async lockOrCreate(trx: Executor, userId: string, at: string): Promise<StateRow> {
    return trx
      .insertInto('presence_states')
      .values({
        user_id: userId,
        state: 'offline',
        reason_id: null,
        since: at,
        set_by: 'system',
        set_by_user_id: null,
        history_id: '',
        until_at: null,
        seen_at: null,
        version: 0,
      })
      .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ user_id: eb.ref('excluded.user_id') })))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** A state row for someone who never had one: offline, with no stint open yet. */
  private async ensureRow(trx: Executor, userId: string, at: string): Promise<void> {
    await trx
      .insertInto('presence_states')
      .values({
        user_id: userId,
        state: 'offline',
        reason_id: null,
        since: at,
        set_by: 'system',
        set_by_user_id: null,
        history_id: '',
        until_at: null,
        seen_at: null,
        version: 0,
      })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
  }

  /**
   * Move a person through the transition table, in the caller's transaction: close the stint (cut
   * at the centre's midnights), open the next, (re)arm the after-contact-work timer, tell the rooms.
   * The same state (and reason) again changes nothing: a retried request is harmless.
   */
  private async apply(
    trx: Executor,
    userId: string,
    action: PresenceAction,
    opts: { setBy: SetBy; by: Actor; reasonId: string | null },
  ): Promise<void> {
    const at = nowIso(this.ctx);
    const row = await this.lockOrCreate(trx, userId, at);
    const t = transition(row.state as PresenceState, action);
    if (!t.ok)
      throw new AppError('presence.transition_not_allowed', `Not from ${row.state}: end the contact first`, {
        errors: [
          fieldError('/body/state', 'invalid', `not allowed while ${row.state}`, { keyword: 'transition' }),
        ],
      });
    const reasonId = t.next === 'break' ? opts.reasonId : null;
    if (t.next === row.state && reasonId === row.reason_id) return;
    const user = await trx.selectFrom('users').select('team_id').where('id', '=', userId).executeTakeFirst();
    if (!user) throw notFound('user.not_found', userId);
    if (row.history_id) await this.closeStint(trx, row.history_id, at);
    const historyId = newId();
    const setByUserId = opts.by.via === 'system' ? null : opts.by.userId;
    await trx
      .insertInto('presence_history')
      .values({
        id: historyId,
        user_id: userId,
        team_id: user.team_id,
        state: t.next,
        reason_id: reasonId,
        started_at: at,
        ended_at: null,
        set_by: opts.setBy,
        set_by_user_id: setByUserId,
      })
      .execute();
    await this.timers.cancel(trx, userId, [ACW_TIMER]);
    let until: string | null = null;
    if (t.next === 'after_contact_work') {
      const { afterContactWorkSeconds } = await this.reasons.settings(trx);
      until = new Date(Date.parse(at) + afterContactWorkSeconds * 1000).toISOString();
      if (afterContactWorkSeconds > 0)
        await this.timers.schedule(trx, {
          kind: ACW_TIMER,
          dueAt: until,
          refId: userId,
          payload: { historyId },
        });
    }
    const version = row.version + 1;
    await trx
      .updateTable('presence_states')
      .set({
        state: t.next,
        reason_id: reasonId,
        since: at,
        set_by: opts.setBy,
        set_by_user_id: setByUserId,
        history_id: historyId,
        until_at: until,
        version,
      })
      .where('user_id', '=', userId)
      .execute();
    await emit(trx, at, 'presence.changed', {
      id: userId,
      version,
      state: t.next,
      // Who set it (the person, a leader, or the system): what it sets off is done in their name.
      by: setByUserId,
      teamIds: [user.team_id],
      userIds: [userId],
    });
    // No wrap-up configured: straight back to available.
    if (t.next === 'after_contact_work' && until === at)
      await this.apply(trx, userId, 'acw_expired', { setBy: 'system', by: SYSTEM_ACTOR, reasonId: null });
  }

  /** End a stint at `at`, as one row a centre day: the part past each midnight becomes a row of its own. */
  private async closeStint(trx: Executor, historyId: string, at: string): Promise<void> {
    const h = await trx
      .selectFrom('presence_history')
      .selectAll()
      .where('id', '=', historyId)
      .executeTakeFirst();
    if (!h || h.ended_at) return;
    const cuts = midnightsBetween(h.started_at, at, await this.timeZone(trx));
    const ends = [...cuts, at];
    await trx
      .updateTable('presence_history')
      .set({ ended_at: ends[0]! })
      .where('id', '=', historyId)
      .execute();
    if (!cuts.length) return;
    await trx
      .insertInto('presence_history')
      .values(cuts.map((start, i) => ({ ...h, id: newId(), started_at: start, ended_at: ends[i + 1]! })))
      .execute();
  }
}
