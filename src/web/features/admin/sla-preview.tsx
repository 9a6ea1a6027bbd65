import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import {
  atInZone,
  type Category,
  channelOptions,
  clockLabel,
  conditionLabel,
  criticalityOptions,
  FieldAt,
  FormProblem,
  focusProblem,
  minutesInWords,
  type PolicyPreviewDto,
  priorityOptions,
  typeOptions,
} from './sla-shared.tsx';

type Sample = {
  type: string;
  categoryId: string;
  criticality: string;
  priority: string;
  channel: string;
  segment: string;
  at: string;
};

/** A sample case's facts → the policy the engine would choose, its due times, and the rules that would act. */
export function SlaPreview({ categories }: { categories: Category[] }) {
  const t = useT();
  const [s, setS] = useState<Sample>({
    type: 'general_enquiry',
    categoryId: '',
    criticality: 'not_highly_critical',
    priority: 'normal',
    channel: 'phone',
    segment: '',
    at: '',
  });
  const [result, setResult] = useState<PolicyPreviewDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      type: s.type,
      criticality: s.criticality,
      priority: s.priority,
      categoryId: s.categoryId || null,
      channel: s.channel || null,
      segment: s.segment.trim() || null,
      // datetime-local is the reader's local time; the API takes an instant.
      ...(s.at ? { at: new Date(s.at).toISOString() } : {}),
    };
    if (
      !(await attempt(
        async () => setResult(await api<PolicyPreviewDto>('POST', '/sla-policies/preview', body)),
        setError,
      ))
    )
      focusProblem();
  };
  const select = (
    label: string,
    k: keyof Sample,
    options: readonly (readonly [string, string])[],
    blank?: string,
    data = false,
  ) => (
    <FieldAt label={label} at={`/body/${k}`} error={error}>
      {(p) => (
        <select {...p} value={s[k]} onChange={(e) => setS({ ...s, [k]: e.target.value })}>
          {blank !== undefined && <option value="">{blank}</option>}
          {options.map(([v, l]) => (
            <option key={v} value={v} {...(data ? { 'data-i18n-skip': true } : {})}>
              {l}
            </option>
          ))}
        </select>
      )}
    </FieldAt>
  );
  return (
    <div className="sla-preview">
      <form onSubmit={run} aria-label={t('slaPreview.form')} noValidate>
        <h2>{t('slaPreview.title')}</h2>
        <div className="preview-grid">
          {select(t('slaPreview.type'), 'type', typeOptions())}
          {select(
            t('slaPreview.category'),
            'categoryId',
            categories.filter((c) => c.active).map((c) => [c.id, c.path] as const),
            t('slaPreview.none'),
            true,
          )}
          {select(t('slaPreview.criticality'), 'criticality', criticalityOptions())}
          {select(t('slaPreview.priority'), 'priority', priorityOptions())}
          {select(t('slaPreview.channel'), 'channel', channelOptions(), t('slaPreview.none'))}
          <FieldAt label={t('slaPreview.segment')} at="/body/segment" error={error}>
            {(p) => (
              <input {...p} value={s.segment} onChange={(e) => setS({ ...s, segment: e.target.value })} />
            )}
          </FieldAt>
          <FieldAt
            label={t('slaPreview.openedAt')}
            at="/body/at"
            error={error}
            hint={t('slaPreview.openedAtHint')}
          >
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                value={s.at}
                onChange={(e) => setS({ ...s, at: e.target.value })}
              />
            )}
          </FieldAt>
        </div>
        <FormProblem error={error} placed={Object.keys(s).map((k) => `/body/${k}`)} />
        <button type="submit">{t('slaPreview.preview')}</button>
      </form>
      {result && <PreviewResult r={result} />}
    </div>
  );
}

// Instants are Intl's, with the weekday, in the calendar's zone: marked as data, not catalogue words.
function PreviewResult({ r }: { r: PolicyPreviewDto }) {
  const t = useT();
  const zone = r.calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section aria-labelledby="preview-result-h" className="preview-result" aria-live="polite">
      <h3 id="preview-result-h">
        {r.policy ? (
          <>
            {t('slaPreview.chosen')}
            <a href={`#/admin/sla/policies/${r.policy.id}`} data-i18n-skip>
              {r.policy.name}
            </a>
          </>
        ) : (
          t('slaPreview.noPolicy')
        )}
      </h3>
      {r.calendar && (
        <p>
          {t('slaPreview.onCalendar')}
          <a href={`#/admin/sla/calendars/${r.calendar.id}`} data-i18n-skip>
            {r.calendar.name}
          </a>
          {t('slaPreview.timesIn', { zone: r.calendar.timeZone, at: atInZone(r.at, zone) })}
        </p>
      )}
      {r.clocks.length > 0 && (
        <table>
          <caption className="sr-only">{t('slaPreview.dueTimes')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('slaPreview.col.clock')}</th>
              <th scope="col">{t('slaPreview.col.target')}</th>
              <th scope="col">{t('slaPreview.col.dueSoon')}</th>
              <th scope="col">{t('slaPreview.col.due')}</th>
            </tr>
          </thead>
          <tbody>
            {r.clocks.map((c) => (
              <tr key={c.kind} data-clock={c.kind}>
                <th scope="row">{clockLabel(c.kind)}</th>
                <td>{minutesInWords(c.targetMinutes)}</td>
                <td>{c.warnAt ? <span data-i18n-skip>{atInZone(c.warnAt, zone)}</span> : '—'}</td>
                <td>
                  <time dateTime={c.dueAt} data-i18n-skip>
                    {atInZone(c.dueAt, zone)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.urgent && (
        <p className="warn">
          {t('slaPreview.urgent', {
            time: minutesInWords(r.urgent.ackMinutes),
            at: atInZone(r.urgent.ackDueAt, zone),
          })}
        </p>
      )}
      {r.rules.length > 0 && (
        <>
          <h4>{t('slaPreview.rules')}</h4>
          <ul>
            {r.rules.map((x) => (
              <li key={`${x.id}-${x.clock}`}>
                <a href={`#/admin/sla/rules/${x.id}`} data-i18n-skip>
                  {x.name}
                </a>{' '}
                — <span data-i18n-skip>{atInZone(x.at, zone)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>{t('slaPreview.tried')}</h4>
      <ol className="considered">
        {r.considered.map((p) => (
          <li key={p.id}>
            <span data-i18n-skip>{p.name}</span>:{' '}
            {p.unmet.length
              ? t('slaPreview.notThis', { conditions: p.unmet.map(conditionLabel).join(', ') })
              : t('slaPreview.matches')}
          </li>
        ))}
        {r.considered.length === 0 && <li>{t('slaPreview.noneInUse')}</li>}
      </ol>
    </section>
  );
}
