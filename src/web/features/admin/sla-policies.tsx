import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { ProblemText } from '../../ui/problem.tsx';
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

const TARGETS = ['firstResponseMinutes', 'nextUpdateMinutes', 'resolutionMinutes'] as const;
type TargetKey = (typeof TARGETS)[number];
const PAUSES = ['pending_customer', 'pending_action_party'] as const;

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
  const t = useT();
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
    <nav aria-label={t('slaPolicies.list')} className="sla-list">
      <ol>
        {items.map((p, i) => (
          <li key={p.id} className={p.active ? '' : 'inactive'}>
            <a href={`#/admin/sla/policies/${p.id}`} aria-current={current === p.id ? 'true' : undefined}>
              {p.position}. <span data-i18n-skip>{p.name}</span>
            </a>
            {!p.active && <span className="badge">{t('slaAdmin.off')}</span>}
            <span className="muted">
              {' '}
              {conditionsInWords(p.conditions, categories)} ·{' '}
              <span data-i18n-skip>{calendars.find((c) => c.id === p.calendarId)?.name}</span>
            </span>
            <span className="moves">
              <button
                type="button"
                className="secondary small"
                aria-label={t('slaPolicies.earlier', { name: p.name })}
                disabled={i === 0 || moving.busy}
                onClick={() => void move(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="secondary small"
                aria-label={t('slaPolicies.later', { name: p.name })}
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
          <ProblemText error={error} />
        </p>
      )}
      <a
        className="button-link"
        href="#/admin/sla/policies/new"
        aria-current={current === 'new' ? 'true' : undefined}
      >
        {t('slaPolicies.new')}
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
  const t = useT();
  const [d, setD] = useState(() => draftOf(policy, calendars, nextPosition));
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const targets = Object.fromEntries(TARGETS.map((k) => [k, num(d.targets[k])]));
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
            onSaved(`/admin/sla/policies/${out.id}`, t('slaPolicies.saved', { name: out.name }));
            if (!policy) go(`/admin/sla/policies/${out.id}`);
          }),
        setError,
      ))
    )
      focusProblem();
  };
  return (
    <form
      onSubmit={save}
      aria-label={policy ? t('slaPolicies.edit', { name: policy.name }) : t('slaPolicies.new')}
      noValidate
    >
      {policy ? <h2 data-i18n-skip>{policy.name}</h2> : <h2>{t('slaPolicies.new')}</h2>}
      <div className="row">
        <div className="grow">
          <FieldAt label={t('slaPolicies.name')} at="/body/name" error={error}>
            {(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />}
          </FieldAt>
        </div>
        <FieldAt
          label={t('slaAdmin.position')}
          at="/body/position"
          error={error}
          hint={t('slaPolicies.positionHint')}
        >
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
        <FieldAt label={t('slaPolicies.calendar')} at="/body/calendarId" error={error}>
          {(p) => (
            <select {...p} value={d.calendarId} onChange={(e) => setD({ ...d, calendarId: e.target.value })}>
              {calendars.map((c) => (
                <option key={c.id} value={c.id} data-i18n-skip>
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
            {t('slaAdmin.inUse')}
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
        <legend>{t('slaPolicies.targets')}</legend>
        <div className="row">
          {TARGETS.map((k) => {
            const n = Number(d.targets[k]);
            const words =
              d.targets[k] && Number.isInteger(n) && n > 0
                ? t('slaPolicies.equals', { time: minutesInWords(n) })
                : t('slaPolicies.none');
            return (
              <div className="grow" key={k}>
                <FieldAt
                  label={t('slaPolicies.minutes', { label: t(`slaPolicies.target.${k}`) })}
                  at={`/body/${k}`}
                  error={error}
                  hint={`${t(`slaPolicies.targetHint.${k}`)}${words}`}
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
        <legend>{t('slaPolicies.pausesLegend')}</legend>
        {PAUSES.map((v) => (
          <label key={v} className="check">
            <input
              type="checkbox"
              checked={d.pauseOn.includes(v)}
              onChange={(e) =>
                setD({
                  ...d,
                  pauseOn: PAUSES.filter((o) => (o === v ? e.target.checked : d.pauseOn.includes(o))),
                })
              }
            />
            {t(`slaPolicies.pause.${v}`)}
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
          ...TARGETS.map((k) => `/body/${k}`),
        ]}
      />
      <button type="submit" disabled={saving.busy || !calendars.length} aria-busy={saving.busy}>
        {policy ? t('slaPolicies.save') : t('slaPolicies.add')}
      </button>
      {!calendars.length && <p className="hint">{t('slaPolicies.calendarFirst')}</p>}
    </form>
  );
}

/** Fetch helper for the page: policies in the order they are tried. */
export const loadPolicies = async () => (await api<{ items: PolicyDto[] }>('GET', '/sla-policies')).items;
