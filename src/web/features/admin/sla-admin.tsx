import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { focusSoon } from '../../ui/focus.ts';
import { CalendarEditor, CalendarList } from './calendars.tsx';
import { RuleEditor, RuleList } from './escalation-rules.tsx';
import { loadPolicies, PolicyEditor, PolicyList } from './sla-policies.tsx';
import { SlaPreview } from './sla-preview.tsx';
import {
  type CalendarDto,
  type Category,
  type EscalationRuleDto,
  FieldAt,
  FormProblem,
  focusProblem,
  type PolicyDto,
  type SlaSettingsDto,
} from './sla-shared.tsx';
import './sla-admin.css';

const TABS = ['calendars', 'policies', 'rules', 'settings', 'preview'] as const;
type Tab = (typeof TABS)[number];

/**
 * Service-level administration (`#/admin/sla/<tab>/<id|new>`): business calendars, SLA policies and
 * their order, escalation rules, the urgent acknowledgement time, and a preview of what a sample case gets.
 * Shown to roles holding sla.manage; each list pane and editor pane scrolls on its own at 1280×720.
 */
export function SlaAdmin() {
  const t = useT();
  const route = useRoute();
  const tab = (TABS.some((x) => x === route[2]) ? route[2] : 'calendars') as Tab;
  const id = route[3];
  const path = `/admin/sla/${tab}${id ? `/${id}` : ''}`;
  const [calendars, setCalendars] = useState<CalendarDto[] | null>(null);
  const [policies, setPolicies] = useState<PolicyDto[] | null>(null);
  const [rules, setRules] = useState<EscalationRuleDto[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [notice, setNotice] = useState<{ path: string; text: string } | null>(null);

  const loadCalendars = useCallback(
    async () => setCalendars((await api<{ items: CalendarDto[] }>('GET', '/calendars')).items),
    [],
  );
  const reloadPolicies = useCallback(async () => setPolicies(await loadPolicies()), []);
  const loadRules = useCallback(
    async () => setRules((await api<{ items: EscalationRuleDto[] }>('GET', '/escalation-rules')).items),
    [],
  );
  useEffect(() => {
    void loadCalendars();
    void reloadPolicies();
    void loadRules();
    void api<{ items: Category[] }>('GET', '/case-categories?includeInactive=true').then((r) =>
      setCategories(r.items),
    );
  }, [loadCalendars, reloadPolicies, loadRules]);

  const onSaved = (at: string, text: string) => {
    setNotice({ path: at, text });
    focusSoon('#sla-notice');
  };
  const shown = notice?.path === path ? notice.text : null;
  const nextPosition = (xs: { position: number }[] | null) =>
    Math.min(10_000, Math.max(0, ...(xs ?? []).map((x) => x.position)) + 10);

  let list: ReactNode = null;
  let editor: ReactNode = null;
  if (!calendars || !policies || !rules) editor = <p className="loading">{t('slaAdmin.loading')}</p>;
  else if (tab === 'calendars') {
    const current = calendars.find((c) => c.id === id) ?? null;
    list = <CalendarList items={calendars} current={id} />;
    if (id === 'new' || current)
      editor = <CalendarEditor key={id} calendar={current} reload={loadCalendars} onSaved={onSaved} />;
    else editor = <p className="hint">{t('slaAdmin.chooseCalendar')}</p>;
  } else if (tab === 'policies') {
    const current = policies.find((p) => p.id === id) ?? null;
    list = (
      <PolicyList
        items={policies}
        calendars={calendars}
        categories={categories}
        current={id}
        reload={reloadPolicies}
      />
    );
    if (id === 'new' || current)
      editor = (
        <PolicyEditor
          key={id}
          policy={current}
          calendars={calendars}
          categories={categories}
          nextPosition={nextPosition(policies)}
          reload={reloadPolicies}
          onSaved={onSaved}
        />
      );
    else editor = <p className="hint">{t('slaAdmin.choosePolicy')}</p>;
  } else if (tab === 'rules') {
    const current = rules.find((r) => r.id === id) ?? null;
    list = <RuleList items={rules} categories={categories} current={id} />;
    if (id === 'new' || current)
      editor = (
        <RuleEditor
          key={id}
          rule={current}
          categories={categories}
          nextPosition={nextPosition(rules)}
          reload={loadRules}
          onSaved={onSaved}
        />
      );
    else editor = <p className="hint">{t('slaAdmin.chooseRule')}</p>;
  } else if (tab === 'settings') editor = <SettingsForm onSaved={(text) => onSaved(path, text)} />;
  else editor = <SlaPreview categories={categories} />;

  return (
    <div className="sla-admin">
      <header>
        <h1>{t('slaAdmin.title')}</h1>
        <nav aria-label={t('slaAdmin.title')} className="tabs">
          {TABS.map((x) => (
            <a key={x} href={`#/admin/sla/${x}`} aria-current={x === tab ? 'page' : undefined}>
              {t(`slaAdmin.tab.${x}`)}
            </a>
          ))}
        </nav>
      </header>
      <div className={list ? 'panes' : 'panes single'}>
        {list && <div className="pane">{list}</div>}
        <div className="pane editor">
          <p role="status" id="sla-notice" tabIndex={-1} className="ok">
            {shown}
          </p>
          {editor}
        </div>
      </div>
    </div>
  );
}

/** How long an urgent escalation may wait for acknowledgement, and the progress update sent to customers. */
function SettingsForm({ onSaved }: { onSaved(text: string): void }) {
  const t = useT();
  const [s, setS] = useState<{ urgentAckMinutes: string; progressUpdateTemplate: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  useEffect(() => {
    void api<SlaSettingsDto>('GET', '/settings/sla').then((x) =>
      setS({
        urgentAckMinutes: String(x.urgentAckMinutes),
        progressUpdateTemplate: x.progressUpdateTemplate,
      }),
    );
  }, []);
  if (!s) return <p className="loading">{t('slaAdmin.loading')}</p>;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const minutes = Number(s.urgentAckMinutes);
    const body = {
      urgentAckMinutes: s.urgentAckMinutes.trim() && Number.isFinite(minutes) ? minutes : s.urgentAckMinutes,
      progressUpdateTemplate: s.progressUpdateTemplate,
    };
    if (
      !(await attempt(
        () =>
          saving.run(async (send) => {
            await send('PUT', '/settings/sla', body);
            onSaved(t('slaAdmin.settings.saved'));
          }),
        setError,
      ))
    )
      focusProblem();
  };
  return (
    <form onSubmit={save} aria-label={t('slaAdmin.settings.form')} noValidate>
      <h2>{t('slaAdmin.settings.title')}</h2>
      <FieldAt
        label={t('slaAdmin.settings.ack')}
        at="/body/urgentAckMinutes"
        error={error}
        hint={t('slaAdmin.settings.ackHint')}
      >
        {(p) => (
          <input
            {...p}
            type="number"
            className="narrow"
            min={1}
            max={1440}
            value={s.urgentAckMinutes}
            onChange={(e) => setS({ ...s, urgentAckMinutes: e.target.value })}
          />
        )}
      </FieldAt>
      <FieldAt
        label={t('slaAdmin.settings.update')}
        at="/body/progressUpdateTemplate"
        error={error}
        hint={t('slaAdmin.settings.updateHint', {
          variables: '{{customer.name}} {{case.reference}} {{case.subject}} {{case.dueAt}} {{officer.name}}',
        })}
      >
        {(p) => (
          <textarea
            {...p}
            data-i18n-skip
            rows={6}
            value={s.progressUpdateTemplate}
            onChange={(e) => setS({ ...s, progressUpdateTemplate: e.target.value })}
          />
        )}
      </FieldAt>
      <FormProblem error={error} placed={['/body/urgentAckMinutes', '/body/progressUpdateTemplate']} />
      <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
        {t('slaAdmin.settings.save')}
      </button>
    </form>
  );
}
