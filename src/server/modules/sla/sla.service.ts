import type { Insertable, Selectable } from 'kysely';
import type { Static } from 'typebox';
import type {
  CaseSla,
  PolicyConditionsDto,
  PolicyDto,
  PolicyPreviewDto,
  PolicyPreviewRequestDto,
} from '../../../shared/contracts/sla.ts';
import { type Ctx, nowIso } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CasesTable, SlaClocksTable, SlaEventsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { fieldError, invalidFields, notFound } from '../../platform/errors.ts';
import type { ClockDue, DomainEventBus, RuleDue } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import type { TimerRow, TimerSpec, Timers } from '../../platform/timers.ts';
import type { BusinessCalendar } from './business-time.ts';
import { type CalendarsService, toBusinessCalendar } from './calendars.service.ts';
import {
  CLOCK_KINDS,
  type ClockKind,
  type ClockState,
  clockLight,
  elapsedAt,
  met,
  paused,
  resumed,
  retargeted,
  started,
} from './clocks.ts';
import {
  type CaseFacts,
  conditionProblems,
  type PoliciesService,
  unmetConditions,
} from './policies.service.ts';

type ClockRow = Selectable<SlaClocksTable>;
type CaseRow = Selectable<CasesTable>;

/** The case columns the clocks keep up to date (queues sort and colour by them). */
export interface CaseSlaColumns {
  sla_policy_id: string | null;
  first_response_due_at: string | null;
  resolution_due_at: string | null;
  next_update_due_at: string | null;
  sla_due_at: string | null;
  sla_warn_at: string | null;
  sla_paused: boolean;
}

/**
 * A target a case carries from where it came in (a mailbox's first-response target, issue 13). It
 * tightens the policy's: the case gets the sooner of the two, counted in the policy's calendar, so
 * a mailbox promising a faster answer is kept and a policy for something urgent is never loosened.
 */
export interface CaseTarget {
  clock: ClockKind;
  minutes: number;
  source: { kind: 'mailbox'; name: string };
}

/** Where a clock's target came from: the policy, or a target the case carries. */
export type TargetFrom = { kind: 'policy' | 'mailbox'; name: string };

/** The policy with the case's own targets applied, each where it is tighter than the policy's. */
export function tightened(policy: PolicyDto, targets: readonly CaseTarget[]): PolicyDto {
  if (!targets.length) return policy;
  const out = { ...policy };
  for (const t of targets) {
    const own = targetOf(policy, t.clock);
    if (own === null || t.minutes < own) out[TARGET[t.clock]] = t.minutes;
  }
  return out;
}

/** Which of the policy and the case's targets a clock's target comes from. */
export function targetFrom(policy: PolicyDto, targets: readonly CaseTarget[], kind: ClockKind): TargetFrom {
  const t = targets.find((x) => x.clock === kind);
  const own = targetOf(policy, kind);
  return t && (own === null || t.minutes < own) ? t.source : { kind: 'policy', name: policy.name };
}

export type SlaChange =
  | { type: 'created'; targets?: readonly CaseTarget[] }
  | { type: 'facts_changed' }
  | { type: 'status'; from: string; to: string; action: string }
  | { type: 'public_response' };

export type WatchingRule = { id: string; name: string; clock: ClockKind; offsetMinutes: number };

/** Which escalation rules watch the clocks of a case (escalation rules are read, never called back). */
export type RuleSource = (trx: Executor, facts: () => Promise<CaseFacts>) => Promise<WatchingRule[]>;

/** What the clocks publish when a timer fires (`sla.breached`, `sla.progress_due`, `sla.rule_due`). */
export type { ClockDue, RuleDue };

const TARGET: Record<ClockKind, 'firstResponseMinutes' | 'nextUpdateMinutes' | 'resolutionMinutes'> = {
  first_response: 'firstResponseMinutes',
  next_update: 'nextUpdateMinutes',
  resolution: 'resolutionMinutes',
};
const dueOf = (c: ClockRow): ClockDue => ({
  caseId: c.case_id,
  clock: c.kind as ClockKind,
  dueAt: c.due_at ?? '',
});
const targetOf = (p: PolicyDto | null, k: ClockKind) => (p ? p[TARGET[k]] : null);
const CLOSED = new Set(['resolved', 'closed']);

/** The clocks a new case starts under a policy, with their targets. */
export function openingClocks(policy: PolicyDto): { kind: ClockKind; target: number }[] {
  return CLOCK_KINDS.flatMap((kind) => {
    const target = targetOf(policy, kind);
    // The update cycle starts with the first response, unless the policy sets no first-response target.
    if (target === null || (kind === 'next_update' && policy.firstResponseMinutes !== null)) return [];
    return [{ kind, target }];
  });
}

export const NO_SLA: CaseSlaColumns = {
  sla_policy_id: null,
  first_response_due_at: null,
  resolution_due_at: null,
  next_update_due_at: null,
  sla_due_at: null,
  sla_warn_at: null,
  sla_paused: false,
};

const stateOf = (r: ClockRow): ClockState => ({
  target_minutes: r.target_minutes,
  state: r.state as ClockState['state'],
  cycle: r.cycle,
  elapsed_ms: Number(r.elapsed_ms),
  running_since: r.running_since,
  warn_at: r.warn_at,
  due_at: r.due_at,
  started_at: r.started_at,
  met_at: r.met_at,
  breached_at: r.breached_at,
});

interface Work {
  row: ClockRow;
  isNew: boolean;
  changed: boolean;
  events: { event: string; data: Record<string, unknown> }[];
}

export interface SlaPlan {
  columns: CaseSlaColumns;
  /** Write clocks, history and timers; call after the case row exists. */
  write(): Promise<void>;
}

/**
 * Live SLA clocks per case: started by the policy the rules choose, paused while the case waits in
 * a status the policy names, met by the first public reply / each update / resolution, and watched
 * by durable timers (breach, the progress-update prompt, escalation rules).
 */
export class SlaService {
  private readonly ctx: Ctx;
  private readonly calendars: CalendarsService;
  private readonly policies: PoliciesService;
  private readonly timers: Timers;
  private readonly rules: RuleSource;
  private readonly eventBus: DomainEventBus;

  constructor(
    ctx: Ctx,
    deps: {
      calendars: CalendarsService;
      policies: PoliciesService;
      timers: Timers;
      rules: RuleSource;
      events: DomainEventBus;
    },
  ) {
    this.ctx = ctx;
    this.calendars = deps.calendars;
    this.policies = deps.policies;
    this.timers = deps.timers;
    this.rules = deps.rules;
    this.eventBus = deps.events;
    this.timers.onBatch('sla.breach', (trx, ts, now) => this.onBreach(trx, ts, now));
    this.timers.onBatch('sla.progress', (trx, ts, now) => this.onProgress(trx, ts, now));
    this.timers.onBatch('sla.rule', (trx, ts, now) => this.onRule(trx, ts, now));
  }

  private async calendar(trx: Executor, id: string, memo: Map<string, BusinessCalendar>) {
    let cal = memo.get(id);
    if (!cal) {
      cal = toBusinessCalendar(await this.calendars.get(id, trx));
      memo.set(id, cal);
    }
    return cal;
  }

  /** Work out what a change to a case does to its clocks; `write` persists it. */
  async plan(
    trx: Executor,
    c: CaseRow,
    change: SlaChange,
    factsOf: () => Promise<CaseFacts>,
  ): Promise<SlaPlan> {
    const at = nowIso(this.ctx);
    const existing =
      change.type === 'created'
        ? []
        : await trx.selectFrom('sla_clocks').selectAll().where('case_id', '=', c.id).execute();
    const choosing = change.type === 'created' || change.type === 'facts_changed';
    if (!choosing && !existing.length)
      return { columns: columnsOf(c.sla_policy_id, []), write: async () => {} };
    let memoFacts: Promise<CaseFacts> | undefined;
    const facts = () => {
      memoFacts ??= factsOf();
      return memoFacts;
    };
    const chosen = choosing
      ? await this.policies.choose(trx, facts)
      : c.sla_policy_id
        ? await this.policies.get(trx, c.sla_policy_id)
        : null;
    // The case's own targets tighten whichever policy is chosen, now and whenever it is chosen again.
    const targets =
      change.type === 'created'
        ? (change.targets ?? [])
        : change.type === 'facts_changed'
          ? await this.caseTargets(trx, c.id)
          : [];
    const policy = chosen && tightened(chosen, targets);
    const pauseOn = new Set(policy?.pauseOn ?? ['pending_customer']);
    const cals = new Map<string, BusinessCalendar>();
    const work = new Map<ClockKind, Work>();
    for (const r of existing)
      work.set(r.kind as ClockKind, { row: r, isNew: false, changed: false, events: [] });
    const set = (w: Work, s: ClockState, event: string, data: Record<string, unknown> = {}) => {
      w.row = { ...w.row, ...s, updated_at: at };
      w.changed = true;
      w.events.push({ event, data });
    };
    const startNew = async (kind: ClockKind, target: number, from: string, cycle = 1) => {
      const cal = await this.calendar(trx, policy!.calendarId, cals);
      let s = started(cal, target, from, cycle);
      if (from !== at) s = retargeted(cal, s, target, at); // timed from creation, banked up to now
      const w: Work = {
        row: {
          id: newId(),
          case_id: c.id,
          kind,
          policy_id: policy!.id,
          calendar_id: policy!.calendarId,
          ...s,
          updated_at: at,
        },
        isNew: true,
        changed: true,
        events: [
          {
            event: 'started',
            data: { target, policy: policy!.name, from: targetFrom(chosen!, targets, kind) },
          },
        ],
      };
      work.set(kind, w);
      if (pauseOn.has(c.status)) set(w, paused(cal, stateOf(w.row), at), 'paused', { status: c.status });
    };
    const calOf = (w: Work) => this.calendar(trx, w.row.calendar_id, cals);

    if (change.type === 'created') {
      if (policy)
        for (const { kind, target } of openingClocks(policy)) await startNew(kind, target, c.created_at);
    } else if (change.type === 'facts_changed') {
      for (const kind of CLOCK_KINDS) {
        const w = work.get(kind);
        const target = targetOf(policy, kind);
        if (w) {
          const live = w.row.state !== 'stopped';
          if (target === null) {
            if (live) {
              const cal = await calOf(w);
              set(
                w,
                {
                  ...stateOf(w.row),
                  elapsed_ms: elapsedAt(cal, stateOf(w.row), at),
                  state: 'stopped',
                  running_since: null,
                  due_at: null,
                  warn_at: null,
                },
                'cancelled',
                { reason: 'no target under the case’s policy' },
              );
            }
          } else if (
            w.row.policy_id !== policy!.id ||
            w.row.target_minutes !== target ||
            w.row.calendar_id !== policy!.calendarId
          ) {
            // Bank the time run so far on the old calendar, then measure the rest on the new one.
            const oldCal = await calOf(w);
            const banked: ClockState = {
              ...stateOf(w.row),
              elapsed_ms: elapsedAt(oldCal, stateOf(w.row), at),
              running_since: w.row.state === 'running' ? at : null,
            };
            w.row = { ...w.row, policy_id: policy!.id, calendar_id: policy!.calendarId };
            const cal = await calOf(w);
            set(w, retargeted(cal, banked, target, at), 'retargeted', { target, policy: policy!.name });
          }
        } else if (target !== null && !CLOSED.has(c.status)) {
          if (kind === 'next_update') {
            const fr = work.get('first_response');
            if (policy!.firstResponseMinutes === null || fr?.row.met_at) await startNew(kind, target, at);
          } else if (kind === 'first_response') {
            if (!(await this.responded(trx, c.id))) await startNew(kind, target, c.created_at);
          } else await startNew(kind, target, c.created_at);
        }
      }
    } else if (change.type === 'status') {
      const { from, to, action } = change;
      for (const w of work.values()) {
        const cal = await calOf(w);
        const s = stateOf(w.row);
        if (to === 'resolved') {
          if (s.state !== 'stopped') set(w, met(cal, s, at), 'met', { by: 'resolution' });
        } else if (action === 'reopen') {
          if (w.row.kind === 'resolution' && w.row.met_at)
            set(w, resumed(cal, s, at), 'resumed', { reopened: true });
          else if (w.row.kind === 'next_update' && targetOf(policy, 'next_update') !== null)
            set(w, started(cal, targetOf(policy, 'next_update')!, at, s.cycle + 1), 'started', {
              reopened: true,
            });
        } else if (!CLOSED.has(to)) {
          const was = pauseOn.has(from);
          const now = pauseOn.has(to);
          if (!was && now && s.state === 'running') set(w, paused(cal, s, at), 'paused', { status: to });
          if (was && !now && s.state === 'paused') set(w, resumed(cal, s, at), 'resumed', { status: to });
        }
      }
    } else if (change.type === 'public_response') {
      const fr = work.get('first_response');
      if (fr && fr.row.state !== 'stopped')
        set(fr, met(await calOf(fr), stateOf(fr.row), at), 'met', { by: 'reply' });
      const nuTarget = targetOf(policy, 'next_update');
      if (nuTarget !== null && policy && !CLOSED.has(c.status)) {
        const nu = work.get('next_update');
        if (!nu) await startNew('next_update', nuTarget, at);
        else {
          const cal = await calOf(nu);
          if (nu.row.state !== 'stopped') set(nu, met(cal, stateOf(nu.row), at), 'met', { by: 'update' });
          set(nu, started(cal, nuTarget, at, nu.row.cycle + 1), 'started', { target: nuTarget });
          if (pauseOn.has(c.status))
            set(nu, paused(cal, stateOf(nu.row), at), 'paused', { status: c.status });
        }
      }
    }

    const policyId = choosing ? (policy?.id ?? null) : c.sla_policy_id;
    const clocks = [...work.values()].map((w) => w.row);
    return {
      columns: columnsOf(policyId, clocks),
      write: async () => {
        // The rules are read once for all the case's clocks, and only if some clock changed.
        let watching: Promise<WatchingRule[]> | undefined;
        const rules = () => {
          watching ??= this.rules(trx, facts);
          return watching;
        };
        // New clocks, their events and their timers go in one statement each (a new case starts
        // two clocks with half a dozen timers: one statement a row was most of its creation's cost).
        const inserts: ClockRow[] = [];
        const events: Insertable<SlaEventsTable>[] = [];
        const timers: TimerSpec[] = [];
        for (const w of work.values()) {
          if (!w.changed) continue;
          if (w.isNew) inserts.push(w.row);
          else {
            const { id, ...rest } = w.row;
            await trx.updateTable('sla_clocks').set(rest).where('id', '=', id).execute();
          }
          for (const e of w.events)
            events.push({
              id: newId(),
              case_id: c.id,
              clock: w.row.kind,
              cycle: w.row.cycle,
              event: e.event,
              at,
              due_at: w.row.due_at,
              elapsed_ms: Number(w.row.elapsed_ms),
              data: JSON.stringify(e.data),
            });
          timers.push(...(await this.reschedule(trx, w.row, w.isNew, rules)));
        }
        if (inserts.length) await trx.insertInto('sla_clocks').values(inserts).execute();
        if (change.type === 'created' && targets.length)
          await trx
            .insertInto('sla_case_targets')
            .values(
              targets.map((t) => ({
                case_id: c.id,
                clock: t.clock,
                target_minutes: t.minutes,
                source: t.source.kind,
                source_name: t.source.name,
                created_at: at,
              })),
            )
            .execute();
        if (events.length) await trx.insertInto('sla_events').values(events).execute();
        await this.timers.scheduleMany(trx, timers);
      },
    };
  }

  /** The targets a case carries from where it came in (none for most cases). */
  private async caseTargets(trx: Executor, caseId: string): Promise<CaseTarget[]> {
    const rows = await trx.selectFrom('sla_case_targets').selectAll().where('case_id', '=', caseId).execute();
    return rows.map((r) => ({
      clock: r.clock as ClockKind,
      minutes: r.target_minutes,
      source: { kind: r.source as 'mailbox', name: r.source_name },
    }));
  }

  /** Has the case had a customer-visible reply (its first response)? */
  private async responded(trx: Executor, caseId: string): Promise<boolean> {
    return Boolean(
      await trx
        .selectFrom('case_notes')
        .select('id')
        .where('case_id', '=', caseId)
        .where('visibility', '=', 'public')
        .executeTakeFirst(),
    );
  }

  /** A clock's timers follow its due time: cancel what was pending; returns what its new state needs scheduled. */
  private async reschedule(
    trx: Executor,
    clock: ClockRow,
    isNew: boolean,
    allRules: () => Promise<WatchingRule[]>,
  ): Promise<TimerSpec[]> {
    if (!isNew) await this.timers.cancel(trx, clock.id);
    const out: TimerSpec[] = [];
    if (clock.state !== 'running' || !clock.due_at) return out;
    const base = {
      caseId: clock.case_id,
      refId: clock.id,
      payload: { cycle: clock.cycle, dueAt: clock.due_at },
    };
    if (!clock.breached_at) out.push({ ...base, kind: 'sla.breach', dueAt: clock.due_at });
    if (clock.kind === 'resolution' && clock.warn_at && !clock.breached_at)
      out.push({ ...base, kind: 'sla.progress', dueAt: clock.warn_at });
    const rules = (await allRules()).filter((r) => r.clock === clock.kind);
    if (!rules.length) return out;
    // A rule acts once per cycle of a clock, however often the clock pauses and resumes.
    const done = isNew
      ? []
      : await trx
          .selectFrom('timers')
          .select(['rule_id', 'payload'])
          .where('ref_id', '=', clock.id)
          .where('kind', '=', 'sla.rule')
          .where('state', '=', 'done')
          .execute();
    const fired = new Set(
      done
        .filter((t) => parseJson<{ cycle?: number }>(t.payload, {}).cycle === clock.cycle)
        .map((t) => t.rule_id),
    );
    const dueMs = Date.parse(clock.due_at);
    for (const r of rules) {
      if (fired.has(r.id)) continue;
      out.push({
        ...base,
        kind: 'sla.rule',
        ruleId: r.id,
        dueAt: new Date(dueMs + r.offsetMinutes * 60_000).toISOString(),
      });
    }
    return out;
  }

  /** The clocks the timers watch, where a timer still describes its clock (else it is stale and does nothing). */
  private async live(trx: Executor, timers: TimerRow[]): Promise<Map<string, ClockRow>> {
    const out = new Map<string, ClockRow>();
    const ids = timers.map((t) => t.ref_id).filter((id): id is string => Boolean(id));
    if (!ids.length) return out;
    const clocks = new Map(
      (await trx.selectFrom('sla_clocks').selectAll().where('id', 'in', ids).execute()).map((c) => [c.id, c]),
    );
    for (const t of timers) {
      const p = parseJson<{ cycle?: number; dueAt?: string }>(t.payload, {});
      const clock = clocks.get(t.ref_id ?? '');
      if (clock?.state === 'running' && clock.cycle === p.cycle && clock.due_at === p.dueAt)
        out.set(t.id, clock);
    }
    return out;
  }

  private async onBreach(trx: Executor, timers: TimerRow[], now: string) {
    const clocks = [
      ...new Map(
        [...(await this.live(trx, timers)).values()]
          .filter((c) => c.due_at && !c.breached_at)
          .map((c) => [c.id, c]),
      ).values(),
    ];
    if (!clocks.length) return;
    // A clock breaches at its due time, whenever the tick notices.
    await trx
      .updateTable('sla_clocks')
      .set((eb) => ({ breached_at: eb.ref('due_at'), updated_at: now }))
      .where(
        'id',
        'in',
        clocks.map((c) => c.id),
      )
      .execute();
    await trx
      .insertInto('sla_events')
      .values(
        clocks.map((clock) => ({
          id: newId(),
          case_id: clock.case_id,
          clock: clock.kind,
          cycle: clock.cycle,
          event: 'breached',
          at: now,
          due_at: clock.due_at,
          elapsed_ms: Number(clock.elapsed_ms),
          data: JSON.stringify({}),
        })),
      )
      .execute();
    await this.eventBus.publish(trx, 'sla.breached', { clocks: clocks.map(dueOf), at: now });
  }

  private async onProgress(trx: Executor, timers: TimerRow[], now: string) {
    const clocks = [...(await this.live(trx, timers)).values()].filter((c) => c.due_at);
    if (clocks.length)
      await this.eventBus.publish(trx, 'sla.progress_due', { clocks: clocks.map(dueOf), at: now });
  }

  private async onRule(trx: Executor, timers: TimerRow[], now: string) {
    const clocks = await this.live(trx, timers);
    const due: RuleDue[] = [];
    for (const t of timers) {
      const clock = clocks.get(t.id);
      if (clock && t.rule_id)
        due.push({ ruleId: t.rule_id, caseId: clock.case_id, clock: clock.kind as ClockKind });
    }
    if (due.length) await this.eventBus.publish(trx, 'sla.rule_due', { rules: due, at: now });
  }

  /**
   * What a case with these facts, created at `at`, would get: the policy the engine's own `choose`
   * picks, the clocks it opens with their due times, and the escalation rules that would watch them.
   */
  async preview(input: PolicyPreviewRequestDto, urgentAckMinutes: number): Promise<PolicyPreviewDto> {
    const db = this.ctx.store.db;
    const at = input.at ? new Date(input.at).toISOString() : nowIso(this.ctx);
    const facts: CaseFacts = {
      type: input.type,
      categoryId: input.categoryId ?? null,
      criticality: input.criticality,
      priority: input.priority,
      channel: input.channel ?? null,
      segment: input.segment ?? null,
    };
    const problems = await conditionProblems(db, { categoryIds: facts.categoryId ? [facts.categoryId] : [] });
    if (problems.length)
      throw invalidFields([fieldError('/body/categoryId', 'noSuchCategory', 'no such category')]);
    // A highly critical case escalates at once, whatever its policy (EscalationsService.onCaseChanged).
    const urgent =
      facts.criticality === 'highly_critical'
        ? {
            ackMinutes: urgentAckMinutes,
            ackDueAt: new Date(Date.parse(at) + urgentAckMinutes * 60_000).toISOString(),
          }
        : null;
    const factsOf = async () => facts;
    const policy = await this.policies.choose(db, factsOf);
    const candidates = await this.policies.candidates(db);
    const tried = policy
      ? candidates.slice(0, candidates.findIndex((p) => p.id === policy.id) + 1)
      : candidates;
    const considered = tried.map((p) => ({
      id: p.id,
      name: p.name,
      position: p.position,
      unmet: unmetConditions(p.conditions as PolicyConditionsDto, facts),
    }));
    if (!policy) return { at, policy: null, calendar: null, clocks: [], considered, rules: [], urgent };
    const calendar = await this.calendars.get(policy.calendarId, db);
    const cal = toBusinessCalendar(calendar);
    const clocks = openingClocks(policy).map(({ kind, target }) => {
      const s = started(cal, target, at);
      return { kind, targetMinutes: target, dueAt: s.due_at!, warnAt: s.warn_at };
    });
    const watching = await this.rules(db, factsOf);
    const rules = clocks.flatMap((c) =>
      watching
        .filter((r) => r.clock === c.kind)
        .map((r) => ({
          ...r,
          at: new Date(Date.parse(c.dueAt) + r.offsetMinutes * 60_000).toISOString(),
        })),
    );
    rules.sort((a, b) => a.at.localeCompare(b.at));
    return {
      at,
      policy: { id: policy.id, name: policy.name, position: policy.position },
      calendar: { id: calendar.id, name: calendar.name, timeZone: calendar.timeZone },
      clocks,
      considered,
      rules,
      urgent,
    };
  }

  /** Is this clock of the case running and amber or red at `now`? */
  async atRisk(caseId: string, kind: ClockKind, now: string): Promise<boolean> {
    const r = await this.ctx.store.db
      .selectFrom('sla_clocks')
      .select(['warn_at'])
      .where('case_id', '=', caseId)
      .where('kind', '=', kind)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Boolean(r?.warn_at && r.warn_at <= now);
  }

  /** A case's clocks now, and the history of each (started, paused, resumed, met, breached…). */
  async history(caseId: string): Promise<Static<typeof CaseSla>> {
    const db = this.ctx.store.db;
    const c = await db
      .selectFrom('cases')
      .select(['id', 'sla_policy_id'])
      .where('id', '=', caseId)
      .executeTakeFirst();
    if (!c) throw notFound('case.not_found', caseId);
    const [clocks, events, policy, targets] = await Promise.all([
      db.selectFrom('sla_clocks').selectAll().where('case_id', '=', caseId).execute(),
      db
        .selectFrom('sla_events')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('at')
        .orderBy('id')
        .execute(),
      c.sla_policy_id ? this.policies.get(db, c.sla_policy_id) : Promise.resolve(null),
      this.caseTargets(db, caseId),
    ]);
    const now = nowIso(this.ctx);
    const cals = new Map<string, BusinessCalendar>();
    const out: Static<typeof CaseSla>['clocks'] = [];
    for (const k of CLOCK_KINDS) {
      const r = clocks.find((x) => x.kind === k);
      if (!r) continue;
      const cal = await this.calendar(db, r.calendar_id, cals);
      const s = stateOf(r);
      const elapsed = elapsedAt(cal, s, now);
      out.push({
        kind: k,
        state: s.state,
        cycle: r.cycle,
        targetMinutes: r.target_minutes,
        elapsedMinutes: Math.floor(elapsed / 60_000),
        leftMinutes: r.state === 'stopped' ? null : Math.ceil((r.target_minutes * 60_000 - elapsed) / 60_000),
        startedAt: r.started_at,
        dueAt: r.due_at,
        warnAt: r.warn_at,
        metAt: r.met_at,
        breachedAt: r.breached_at,
        light: clockLight(s, now),
        targetFrom: policy ? targetFrom(policy, targets, k) : null,
      });
    }
    return {
      policy: policy ? { id: policy.id, name: policy.name, pauseOn: policy.pauseOn } : null,
      clocks: out,
      history: events.map((e) => ({
        clock: e.clock,
        cycle: e.cycle,
        event: e.event,
        at: e.at,
        dueAt: e.due_at,
        elapsedMinutes: Math.floor(Number(e.elapsed_ms) / 60_000),
        data: parseJson<Record<string, unknown>>(e.data, {}),
      })),
    };
  }
}

/** The denormalised columns from a case's clocks. */
export function columnsOf(
  policyId: string | null,
  clocks: Pick<ClockRow, 'kind' | 'state' | 'due_at' | 'warn_at'>[],
): CaseSlaColumns {
  const running = clocks.filter((c) => c.state === 'running' && c.due_at);
  const dueOf = (k: ClockKind) => clocks.find((c) => c.kind === k && c.state === 'running')?.due_at ?? null;
  const min = (xs: (string | null)[]) => xs.filter((x): x is string => Boolean(x)).sort()[0] ?? null;
  return {
    sla_policy_id: policyId,
    first_response_due_at: dueOf('first_response'),
    resolution_due_at: dueOf('resolution'),
    next_update_due_at: dueOf('next_update'),
    sla_due_at: min(running.map((c) => c.due_at)),
    sla_warn_at: min(running.map((c) => c.warn_at)),
    sla_paused: !running.length && clocks.some((c) => c.state === 'paused'),
  };
}
