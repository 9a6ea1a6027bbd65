import { type FormEvent, useState } from 'react';
import type { ApiError } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, t as translate, useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { ConditionsEditor } from './sla-conditions.tsx';
import {
  type Category,
  Choices,
  CLOCKS,
  clockLabel,
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

const NOTIFY = ['assignee', 'team_leader', 'supervisor'] as const;
type Notified = (typeof NOTIFY)[number];
const isNotified = (n: string): n is Notified => (NOTIFY as readonly string[]).includes(n);

/** When a rule acts, in words: "30 min before the resolution breach". */
export function whenInWords(r: Pick<EscalationRuleDto, 'clock' | 'offsetMinutes'>): string {
  const clock = translate(`slaAdmin.clockIn.${r.clock}`);
  if (r.offsetMinutes === 0) return translate('escalationRules.atBreach', { clock });
  const time = minutesInWords(Math.abs(r.offsetMinutes));
  return translate(r.offsetMinutes < 0 ? 'escalationRules.before' : 'escalationRules.after', { time, clock });
}

function actionsInWords(a: RuleActionsDto): string {
  const out: string[] = [];
  if (a.notify?.length)
    out.push(
      translate('escalationRules.tell', {
        who: a.notify.map((n) => (isNotified(n) ? translate(`escalationRules.tellWho.${n}`) : n)).join(', '),
      }),
    );
  if (a.email) out.push(translate('escalationRules.email'));
  if (a.reassignTo) out.push(translate('escalationRules.handTo', { role: term('role', a.reassignTo) }));
  if (a.raisePriority)
    out.push(translate('escalationRules.raise', { priority: term('priority', a.raisePriority) }));
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
  const t = useT();
  return (
    <nav aria-label={t('escalationRules.list')} className="sla-list">
      <ol>
        {items.map((r) => (
          <li key={r.id} className={r.active ? '' : 'inactive'}>
            <a href={`#/admin/sla/rules/${r.id}`} aria-current={current === r.id ? 'true' : undefined}>
              <span data-i18n-skip>{r.name}</span>
            </a>
            {!r.active && <span className="badge">{t('slaAdmin.off')}</span>}
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
        {t('escalationRules.new')}
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
  const t = useT();
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
            onSaved(`/admin/sla/rules/${out.id}`, t('escalationRules.saved', { name: out.name }));
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
      aria-label={rule ? t('escalationRules.edit', { name: rule.name }) : t('escalationRules.new')}
      noValidate
    >
      {rule ? <h2 data-i18n-skip>{rule.name}</h2> : <h2>{t('escalationRules.new')}</h2>}
      <div className="row">
        <div className="grow">
          <FieldAt label={t('escalationRules.name')} at="/body/name" error={error}>
            {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
          </FieldAt>
        </div>
        <FieldAt
          label={t('slaAdmin.position')}
          at="/body/position"
          error={error}
          hint={t('escalationRules.positionHint')}
        >
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
            {t('slaAdmin.inUse')}
          </label>
        )}
      </div>
      <div className="row">
        <FieldAt label={t('escalationRules.clock')} at="/body/clock" error={error}>
          {(p) => (
            <select
              {...p}
              value={clock}
              onChange={(e) => setClock(e.target.value as EscalationRuleDto['clock'])}
            >
              {CLOCKS.map((k) => (
                <option key={k} value={k}>
                  {clockLabel(k)}
                </option>
              ))}
            </select>
          )}
        </FieldAt>
        <div className="grow">
          <FieldAt
            label={t('escalationRules.offset')}
            at="/body/offsetMinutes"
            error={error}
            hint={
              Number.isInteger(off) && offset !== ''
                ? t('escalationRules.offsetHintWhen', { when: whenInWords({ clock, offsetMinutes: off }) })
                : t('escalationRules.offsetHint')
            }
          >
            {(p) => <input {...p} type="number" value={offset} onChange={(e) => setOffset(e.target.value)} />}
          </FieldAt>
        </div>
      </div>
      <ConditionsEditor value={conditions} onChange={setConditions} categories={categories} error={error} />
      <fieldset>
        <legend>{t('escalationRules.actions')}</legend>
        <ErrorAt
          error={error}
          at="/body/actions"
          id="err-actions"
          label={t('escalationRules.actions')}
          exact
        />
        <div className="row">
          <Choices
            legend={t('escalationRules.notifyLegend')}
            options={NOTIFY.map((k) => [k, t(`escalationRules.notify.${k}`)] as const)}
            value={actions.notify}
            onChange={(v) => setAction('notify', v)}
            error={error}
            at="/body/actions/notify"
          />
          <div>
            <FieldAt label={t('escalationRules.handLabel')} at="/body/actions/reassignTo" error={error}>
              {(p) => (
                <select
                  {...p}
                  value={actions.reassignTo ?? ''}
                  onChange={(e) =>
                    setAction('reassignTo', (e.target.value || undefined) as RuleActionsDto['reassignTo'])
                  }
                >
                  <option value="">{t('escalationRules.nobody')}</option>
                  <option value="team_leader">{t('escalationRules.teamLeader')}</option>
                  <option value="supervisor">{t('escalationRules.aSupervisor')}</option>
                </select>
              )}
            </FieldAt>
            <FieldAt label={t('escalationRules.raiseLabel')} at="/body/actions/raisePriority" error={error}>
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
                  <option value="">{t('escalationRules.leave')}</option>
                  <option value="high">{t('escalationRules.high')}</option>
                  <option value="urgent">{t('escalationRules.urgent')}</option>
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
              {t('escalationRules.alsoEmail')}
            </label>
            <ErrorAt
              error={error}
              at="/body/actions/email"
              id="err--body-actions-email"
              label={t('escalationRules.emailLabel')}
            />
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
        {rule ? t('escalationRules.save') : t('escalationRules.add')}
      </button>
    </form>
  );
}
