import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt } from '../../ui/field.tsx';
import { ConditionsEditor } from './sla-conditions.tsx';
import {
  type CalendarDto,
  type Category,
  conditionsInWords,
  FieldAt,
  FormProblem,
  focusProblem,
  minutesInWords,
  type PolicyConditionsDto,
  type PolicyDto,
} from './sla-shared.tsx';

const TARGETS = [
  ['firstResponseMinutes', 'First response', 'The first customer-visible reply'],
  [
    'nextUpdateMinutes',
    'Next update',
    'Each update after it (or after opening, without a first-response target)',
  ],
  ['resolutionMinutes', 'Resolution', 'From opening to resolved'],
] as const;
type TargetKey = (typeof TARGETS)[number][0];
const PAUSES = [
  ['pending_customer', 'Waiting on the customer'],
  ['pending_action_party', 'Waiting on an action party'],
] as const;

type Draft = {
  name: string;
  position: string;
  active: boolean;
  calendarId: string;
  conditions: PolicyConditionsDto;
  targets: Record<TargetKey, string>;
  pauseOn: string[];
};

const draftOf = (p: PolicyDto | null, calendars: CalendarDto[], nextPosition: number): Draft => ({
  name: p?.name ?? '',
  position: String(p?.position ?? nextPosition),
  active: p?.active ?? true,
  calendarId: p?.calendarId ?? calendars[0]?.id ?? '',
  conditions: (p?.conditions ?? {}) as PolicyConditionsDto,
  targets: {
    firstResponseMinutes: p?.firstResponseMinutes?.toString() ?? '',
    nextUpdateMinutes: p?.nextUpdateMinutes?.toString() ?? '',
    resolutionMinutes: p?.resolutionMinutes?.toString() ?? '',
  },
  pauseOn: p?.pauseOn ?? ['pending_customer'],
});

/** A number typed, a blank as "none", anything else sent as typed so the API names the field. */
const num = (s: string): number | null | string =>
  s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s;

/** Policies in the order they are tried, with moves up and down (the first match applies). */
export function PolicyList({
  items,
  calendars,
  categories,
  current,
  reload,
}: {
  items: PolicyDto[];
  calendars: CalendarDto[];
  categories: Category[];
  current: string | undefined;
  reload(): Promise<void>;
}) {
  const [error, setError] = useState<ApiError | null>(null);
  const moving = useSubmit();
  // Renumber 10, 20, 30… in the new order, changing only the positions that move.
  const move = async (from: number, to: number) => {
    const order = [...items];
    const [p] = order.splice(from, 1);
    order.splice(to, 0, p!);
    await attempt(
      () =>
        moving.run(async (send) => {
          for (const [i, q] of order.entries())
            if (q.position !== (i + 1) * 10)
              await send('PATCH', `/sla-policies/${q.id}`, { position: (i + 1) * 10 });
          await reload();
        }),
      setError,
    );
  };
  return (
    <nav aria-label="Policies, in the order they are tried" className="sla-list">
      <ol>
        {items.map((p, i) => (
          <li key={p.id} className={p.active ? '' : 'inactive'}>
            <a href={`#/admin/sla/policies/${p.id}`} aria-current={current === p.id ? 'true' : undefined}>
              {p.position}. {p.name}
            </a>
            {!p.active && <span className="badge">off</span>}
            <span className="muted">
              {' '}
              {conditionsInWords(p.conditions, categories)} ·{' '}
              {calendars.find((c) => c.id === p.calendarId)?.name}
            </span>
            <span className="moves">
              <button
                type="button"
                className="secondary small"
                aria-label={`Try ${p.name} earlier`}
                disabled={i === 0 || moving.busy}
                onClick={() => void move(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="secondary small"
                aria-label={`Try ${p.name} later`}
                disabled={i === items.length - 1 || moving.busy}
                onClick={() => void move(i, i + 1)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      <a
        className="button-link"
        href="#/admin/sla/policies/new"
        aria-current={current === 'new' ? 'true' : undefined}
      >
        New policy
      </a>
    </nav>
  );
}

/** One policy: name, order, calendar, conditions, a target per clock, the statuses that pause it. */
export function PolicyEditor({
  policy,
  calendars,
  categories,
  nextPosition,
  reload,
  onSaved,
}: {
  policy: PolicyDto | null;
  calendars: CalendarDto[];
  categories: Category[];
  nextPosition: number;
  reload(): Promise<void>;
  onSaved(path: string, message: string): void;
}) {
  const [d, setD] = useState(() => draftOf(policy, calendars, nextPosition));
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const targets = Object.fromEntries(TARGETS.map(([k]) => [k, num(d.targets[k])]));
    const body = {
      name: d.name,
      position: num(d.position),
      calendarId: d.calendarId,
      conditions: d.conditions,
      pauseOn: d.pauseOn,
      ...(policy
        ? { ...targets, active: d.active }
        : Object.fromEntries(Object.entries(targets).filter(([, v]) => v !== null))),
    };
    if (
      !(await attempt(
        () =>
          saving.run(async (send) => {
            const out = policy
              ? await send<PolicyDto>('PATCH', `/sla-policies/${policy.id}`, body)
              : await send<PolicyDto>('POST', '/sla-policies', body);
            await reload();
            onSaved(`/admin/sla/policies/${out.id}`, `Saved policy “${out.name}”.`);
            if (!policy) go(`/admin/sla/policies/${out.id}`);
          }),
        setError,
      ))
    )
      focusProblem();
  };
  return (
    <form onSubmit={save} aria-label={policy ? `Edit policy ${policy.name}` : 'New policy'} noValidate>
      <h2>{policy ? policy.name : 'New policy'}</h2>
      <div className="row">
        <div className="grow">
          <FieldAt label="Policy name" at="/body/name" error={error}>
            {(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />}
          </FieldAt>
        </div>
        <FieldAt label="Position" at="/body/position" error={error} hint="Lower is tried first">
          {(p) => (
            <input
              {...p}
              type="number"
              className="narrow"
              value={d.position}
              onChange={(e) => setD({ ...d, position: e.target.value })}
            />
          )}
        </FieldAt>
        <FieldAt label="Business calendar" at="/body/calendarId" error={error}>
          {(p) => (
            <select {...p} value={d.calendarId} onChange={(e) => setD({ ...d, calendarId: e.target.value })}>
              {calendars.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.timeZone})
                </option>
              ))}
            </select>
          )}
        </FieldAt>
        {policy && (
          <label className="check">
            <input
              type="checkbox"
              checked={d.active}
              onChange={(e) => setD({ ...d, active: e.target.checked })}
            />
            In use
          </label>
        )}
      </div>
      <ConditionsEditor
        value={d.conditions}
        onChange={(conditions) => setD({ ...d, conditions })}
        categories={categories}
        error={error}
      />
      <fieldset>
        <legend>Targets, in business minutes on the calendar</legend>
        <div className="row">
          {TARGETS.map(([k, label, hint]) => {
            const n = Number(d.targets[k]);
            const words =
              d.targets[k] && Number.isInteger(n) && n > 0 ? ` = ${minutesInWords(n)}` : ' (none)';
            return (
              <div className="grow" key={k}>
                <FieldAt
                  label={`${label} (minutes)`}
                  at={`/body/${k}`}
                  error={error}
                  hint={`${hint}${words}`}
                >
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={1}
                      value={d.targets[k]}
                      onChange={(e) => setD({ ...d, targets: { ...d.targets, [k]: e.target.value } })}
                    />
                  )}
                </FieldAt>
              </div>
            );
          })}
        </div>
      </fieldset>
      <fieldset>
        <legend>Clocks stop while the case is…</legend>
        {PAUSES.map(([v, label]) => (
          <label key={v} className="check">
            <input
              type="checkbox"
              checked={d.pauseOn.includes(v)}
              onChange={(e) =>
                setD({
                  ...d,
                  pauseOn: PAUSES.map(([o]) => o).filter((o) =>
                    o === v ? e.target.checked : d.pauseOn.includes(o),
                  ),
                })
              }
            />
            {label}
          </label>
        ))}
      </fieldset>
      <FormProblem
        error={error}
        placed={[
          '/body/name',
          '/body/position',
          '/body/calendarId',
          '/body/conditions',
          ...TARGETS.map(([k]) => `/body/${k}`),
        ]}
      />
      <button type="submit" disabled={saving.busy || !calendars.length} aria-busy={saving.busy}>
        {policy ? 'Save policy' : 'Add policy'}
      </button>
      {!calendars.length && <p className="hint">Add a business calendar first: a policy runs on one.</p>}
    </form>
  );
}

/** Fetch helper for the page: policies in the order they are tried. */
export const loadPolicies = async () => (await api<{ items: PolicyDto[] }>('GET', '/sla-policies')).items;
