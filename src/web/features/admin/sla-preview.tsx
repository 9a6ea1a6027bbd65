import { type FormEvent, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { attempt } from '../../ui/field.tsx';
import {
  atInZone,
  type Category,
  CHANNELS,
  CLOCK_LABELS,
  CONDITION_LABELS,
  CRITICALITIES,
  FieldAt,
  FormProblem,
  focusProblem,
  minutesInWords,
  type PolicyConditionsDto,
  type PolicyPreviewDto,
  PRIORITIES,
  TYPES,
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
  ) => (
    <FieldAt label={label} at={`/body/${k}`} error={error}>
      {(p) => (
        <select {...p} value={s[k]} onChange={(e) => setS({ ...s, [k]: e.target.value })}>
          {blank !== undefined && <option value="">{blank}</option>}
          {options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      )}
    </FieldAt>
  );
  return (
    <div className="sla-preview">
      <form onSubmit={run} aria-label="Sample case" noValidate>
        <h2>Which policy would a case get?</h2>
        <div className="preview-grid">
          {select('Type', 'type', TYPES)}
          {select(
            'Category',
            'categoryId',
            categories.filter((c) => c.active).map((c) => [c.id, c.path] as const),
            '(none)',
          )}
          {select('Criticality', 'criticality', CRITICALITIES)}
          {select('Priority', 'priority', PRIORITIES)}
          {select('First contact’s channel', 'channel', CHANNELS, '(none)')}
          <FieldAt label="Customer segment" at="/body/segment" error={error}>
            {(p) => (
              <input {...p} value={s.segment} onChange={(e) => setS({ ...s, segment: e.target.value })} />
            )}
          </FieldAt>
          <FieldAt label="Opened at" at="/body/at" error={error} hint="Your local time; empty for now">
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
        <button type="submit">Preview</button>
      </form>
      {result && <PreviewResult r={result} />}
    </div>
  );
}

function PreviewResult({ r }: { r: PolicyPreviewDto }) {
  const zone = r.calendar?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section aria-labelledby="preview-result-h" className="preview-result" aria-live="polite">
      <h3 id="preview-result-h">
        {r.policy ? (
          <>
            Chosen policy: <a href={`#/admin/sla/policies/${r.policy.id}`}>{r.policy.name}</a>
          </>
        ) : (
          'No policy applies: the case would have no due times'
        )}
      </h3>
      {r.calendar && (
        <p>
          On the calendar <a href={`#/admin/sla/calendars/${r.calendar.id}`}>{r.calendar.name}</a>, times in{' '}
          {r.calendar.timeZone}; opened {atInZone(r.at, zone)}.
        </p>
      )}
      {r.clocks.length > 0 && (
        <table>
          <caption className="sr-only">Due times</caption>
          <thead>
            <tr>
              <th scope="col">Clock</th>
              <th scope="col">Target</th>
              <th scope="col">Due soon from</th>
              <th scope="col">Due</th>
            </tr>
          </thead>
          <tbody>
            {r.clocks.map((c) => (
              <tr key={c.kind} data-clock={c.kind}>
                <th scope="row">{CLOCK_LABELS[c.kind]}</th>
                <td>{minutesInWords(c.targetMinutes)}</td>
                <td>{c.warnAt ? atInZone(c.warnAt, zone) : '—'}</td>
                <td>
                  <time dateTime={c.dueAt}>{atInZone(c.dueAt, zone)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {r.urgent && (
        <p className="warn">
          Highly critical: escalated at once; to be acknowledged within {minutesInWords(r.urgent.ackMinutes)},
          by {atInZone(r.urgent.ackDueAt, zone)}.
        </p>
      )}
      {r.rules.length > 0 && (
        <>
          <h4>Escalation rules that would act</h4>
          <ul>
            {r.rules.map((x) => (
              <li key={`${x.id}-${x.clock}`}>
                <a href={`#/admin/sla/rules/${x.id}`}>{x.name}</a> — {atInZone(x.at, zone)}
              </li>
            ))}
          </ul>
        </>
      )}
      <h4>Policies tried, in order</h4>
      <ol className="considered">
        {r.considered.map((p) => (
          <li key={p.id}>
            {p.name}:{' '}
            {p.unmet.length
              ? `not this one — ${p.unmet.map((k) => CONDITION_LABELS[k as keyof PolicyConditionsDto] ?? k).join(', ')} does not match`
              : 'matches'}
          </li>
        ))}
        {r.considered.length === 0 && <li>No policy is in use.</li>}
      </ol>
    </section>
  );
}
