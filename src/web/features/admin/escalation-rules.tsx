import { type FormEvent, useState } from 'react';
import type { ApiError } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt } from '../../ui/field.tsx';
import { ConditionsEditor } from './sla-conditions.tsx';
import {
  type Category,
  Choices,
  CLOCK_LABELS,
  conditionsInWords,
  ErrorAt,
  type EscalationRuleDto,
  FieldAt,
  FormProblem,
  focusProblem,
  minutesInWords,
  type PolicyConditionsDto,
  type RuleActionsDto,
} from './sla-shared.tsx';

const NOTIFY = [
  ['assignee', 'The case owner'],
  ['team_leader', 'The team leader'],
  ['supervisor', 'The supervisors'],
] as const;

/** When a rule acts, in words: "30 min before the resolution breach". */
export function whenInWords(r: Pick<EscalationRuleDto, 'clock' | 'offsetMinutes'>): string {
  const clock = CLOCK_LABELS[r.clock].toLowerCase();
  if (r.offsetMinutes === 0) return `at the ${clock} breach`;
  return `${minutesInWords(Math.abs(r.offsetMinutes))} ${r.offsetMinutes < 0 ? 'before' : 'after'} the ${clock} breach`;
}

function actionsInWords(a: RuleActionsDto): string {
  const out: string[] = [];
  if (a.notify?.length)
    out.push(`tell ${a.notify.map((n) => NOTIFY.find(([k]) => k === n)?.[1].toLowerCase() ?? n).join(', ')}`);
  if (a.email) out.push('by e-mail too');
  if (a.reassignTo) out.push(`hand to the ${a.reassignTo.replace('_', ' ')}`);
  if (a.raisePriority) out.push(`raise priority to ${a.raisePriority}`);
  return out.join('; ');
}

export function RuleList({
  items,
  categories,
  current,
}: {
  items: EscalationRuleDto[];
  categories: Category[];
  current: string | undefined;
}) {
  return (
    <nav aria-label="Escalation rules" className="sla-list">
      <ol>
        {items.map((r) => (
          <li key={r.id} className={r.active ? '' : 'inactive'}>
            <a href={`#/admin/sla/rules/${r.id}`} aria-current={current === r.id ? 'true' : undefined}>
              {r.name}
            </a>
            {!r.active && <span className="badge">off</span>}
            <span className="muted">
              {' '}
              {whenInWords(r)}: {actionsInWords(r.actions)} · {conditionsInWords(r.conditions, categories)}
            </span>
          </li>
        ))}
      </ol>
      <a
        className="button-link"
        href="#/admin/sla/rules/new"
        aria-current={current === 'new' ? 'true' : undefined}
      >
        New escalation rule
      </a>
    </nav>
  );
}

/** One rule: which clock, how long before or after its breach, for which cases, doing what. */
export function RuleEditor({
  rule,
  categories,
  nextPosition,
  reload,
  onSaved,
}: {
  rule: EscalationRuleDto | null;
  categories: Category[];
  nextPosition: number;
  reload(): Promise<void>;
  onSaved(path: string, message: string): void;
}) {
  const [name, setName] = useState(rule?.name ?? '');
  const [position, setPosition] = useState(String(rule?.position ?? nextPosition));
  const [active, setActive] = useState(rule?.active ?? true);
  const [clock, setClock] = useState<EscalationRuleDto['clock']>(rule?.clock ?? 'resolution');
  const [offset, setOffset] = useState(String(rule?.offsetMinutes ?? 0));
  const [conditions, setConditions] = useState((rule?.conditions ?? {}) as PolicyConditionsDto);
  const [actions, setActions] = useState<RuleActionsDto>(rule?.actions ?? { notify: ['assignee'] });
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  const n = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name,
      position: n(position),
      clock,
      offsetMinutes: n(offset),
      conditions,
      actions,
      ...(rule ? { active } : {}),
    };
    if (
      !(await attempt(
        () =>
          saving.run(async (send) => {
            const out = rule
              ? await send<EscalationRuleDto>('PATCH', `/escalation-rules/${rule.id}`, body)
              : await send<EscalationRuleDto>('POST', '/escalation-rules', body);
            await reload();
            onSaved(`/admin/sla/rules/${out.id}`, `Saved escalation rule “${out.name}”.`);
            if (!rule) go(`/admin/sla/rules/${out.id}`);
          }),
        setError,
      ))
    )
      focusProblem();
  };
  const off = Number(offset);
  const setAction = <K extends keyof RuleActionsDto>(k: K, v: RuleActionsDto[K] | undefined) => {
    const next = { ...actions };
    if (v === undefined) delete next[k];
    else next[k] = v;
    setActions(next);
  };
  return (
    <form
      onSubmit={save}
      aria-label={rule ? `Edit escalation rule ${rule.name}` : 'New escalation rule'}
      noValidate
    >
      <h2>{rule ? rule.name : 'New escalation rule'}</h2>
      <div className="row">
        <div className="grow">
          <FieldAt label="Rule name" at="/body/name" error={error}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </FieldAt>
        </div>
        <FieldAt label="Position" at="/body/position" error={error} hint="Order in lists">
          {(p) => (
            <input
              {...p}
              type="number"
              className="narrow"
              value={position}
              onChange={(e) => setPosition(e.target.value)}
            />
          )}
        </FieldAt>
        {rule && (
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            In use
          </label>
        )}
      </div>
      <div className="row">
        <FieldAt label="Clock" at="/body/clock" error={error}>
          {(p) => (
            <select
              {...p}
              value={clock}
              onChange={(e) => setClock(e.target.value as EscalationRuleDto['clock'])}
            >
              {Object.entries(CLOCK_LABELS).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </FieldAt>
        <div className="grow">
          <FieldAt
            label="Minutes from the breach"
            at="/body/offsetMinutes"
            error={error}
            hint={`Negative acts before the due time, 0 at it, positive after${
              Number.isInteger(off) && offset !== '' ? `: ${whenInWords({ clock, offsetMinutes: off })}` : ''
            }`}
          >
            {(p) => <input {...p} type="number" value={offset} onChange={(e) => setOffset(e.target.value)} />}
          </FieldAt>
        </div>
      </div>
      <ConditionsEditor value={conditions} onChange={setConditions} categories={categories} error={error} />
      <fieldset>
        <legend>Actions</legend>
        <ErrorAt error={error} at="/body/actions" id="err-actions" label="Actions" exact />
        <div className="row">
          <Choices
            legend="Notify"
            options={NOTIFY}
            value={actions.notify}
            onChange={(v) => setAction('notify', v)}
            error={error}
            at="/body/actions/notify"
          />
          <div>
            <FieldAt label="Hand the case to" at="/body/actions/reassignTo" error={error}>
              {(p) => (
                <select
                  {...p}
                  value={actions.reassignTo ?? ''}
                  onChange={(e) =>
                    setAction('reassignTo', (e.target.value || undefined) as RuleActionsDto['reassignTo'])
                  }
                >
                  <option value="">(nobody: it stays)</option>
                  <option value="team_leader">The team leader</option>
                  <option value="supervisor">A supervisor</option>
                </select>
              )}
            </FieldAt>
            <FieldAt label="Raise priority to" at="/body/actions/raisePriority" error={error}>
              {(p) => (
                <select
                  {...p}
                  value={actions.raisePriority ?? ''}
                  onChange={(e) =>
                    setAction(
                      'raisePriority',
                      (e.target.value || undefined) as RuleActionsDto['raisePriority'],
                    )
                  }
                >
                  <option value="">(leave it)</option>
                  <option value="high">High</option>
                  <option value="urgent">Urgent</option>
                </select>
              )}
            </FieldAt>
            <label className="check">
              <input
                type="checkbox"
                checked={actions.email ?? false}
                aria-describedby={error?.fieldMessage('email') ? 'err--body-actions-email' : undefined}
                onChange={(e) => setAction('email', e.target.checked || undefined)}
              />
              Also e-mail whoever is notified
            </label>
            <ErrorAt error={error} at="/body/actions/email" id="err--body-actions-email" label="E-mail" />
          </div>
        </div>
      </fieldset>
      <FormProblem
        error={error}
        placed={[
          '/body/name',
          '/body/position',
          '/body/clock',
          '/body/offsetMinutes',
          '/body/conditions',
          '/body/actions',
        ]}
      />
      <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
        {rule ? 'Save rule' : 'Add rule'}
      </button>
    </form>
  );
}
