import { type FormEvent, useState } from 'react';
import { ApiError, type ShownFieldError } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { t as translate, useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { focusSoon } from '../../ui/focus.ts';
import {
  type CalendarDto,
  DAYS,
  dayName,
  ErrorAt,
  FieldAt,
  FormProblem,
  focusProblem,
  messagesAt,
} from './sla-shared.tsx';

type Interval = [string, string];
type Draft = {
  name: string;
  timeZone: string;
  hours: Interval[][];
  holidays: { date: string; name: string }[];
};

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();
const byStart = (a: Interval, b: Interval) => a[0].localeCompare(b[0]);

function draftOf(c: CalendarDto | null): Draft {
  if (!c)
    return {
      name: '',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      hours: DAYS.map((_, i) => (i < 5 ? [['09:00', '18:00']] : [])),
      holidays: [],
    };
  return {
    name: c.name,
    timeZone: c.timeZone,
    hours: DAYS.map((_, i) => ((c.hours[String(i + 1)] ?? []) as Interval[]).map(([a, b]) => [a, b])),
    holidays: c.holidays.map((h) => ({ ...h })),
  };
}

/** The list of calendars: name, zone, open hours a week, holidays kept. */
export function CalendarList({ items, current }: { items: CalendarDto[]; current: string | undefined }) {
  const t = useT();
  const hours = new Intl.NumberFormat();
  return (
    <nav aria-label={t('calendars.list')} className="sla-list">
      <ul>
        {items.map((c) => (
          <li key={c.id}>
            <a href={`#/admin/sla/calendars/${c.id}`} aria-current={current === c.id ? 'true' : undefined}>
              <span data-i18n-skip>{c.name}</span>
            </a>
            <span className="muted">
              {' '}
              <span data-i18n-skip>{c.timeZone}</span>
              {t('calendars.weekly', { hours: hours.format(c.weeklyOpenHours) })}
              {t('calendars.holidays', { count: c.holidays.length })}
            </span>
          </li>
        ))}
      </ul>
      <a
        className="button-link"
        href="#/admin/sla/calendars/new"
        aria-current={current === 'new' ? 'true' : undefined}
      >
        {t('calendars.new')}
      </a>
    </nav>
  );
}

/** One calendar: name, time zone, weekly hours per day, holidays (and a pasted list of them). */
export function CalendarEditor({
  calendar,
  reload,
  onSaved,
}: {
  calendar: CalendarDto | null;
  reload(): Promise<void>;
  /** Announce the save on the page the editor lands on (a new calendar's own). */
  onSaved(path: string, message: string): void;
}) {
  const t = useT();
  const [d, setD] = useState<Draft>(() => draftOf(calendar));
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  const setDay = (day: number, intervals: Interval[]) =>
    setD({ ...d, hours: d.hours.map((x, i) => (i === day ? intervals : x)) });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    // Sorted as the server checks them, so a problem's index names the row shown.
    const hours = d.hours.map((x) => [...x].sort(byStart));
    const holidays = [...d.holidays].sort((a, b) => a.date.localeCompare(b.date));
    setD({ ...d, hours, holidays });
    const body = {
      name: d.name,
      timeZone: d.timeZone,
      hours: Object.fromEntries(hours.map((x, i) => [String(i + 1), x])),
      holidays,
    };
    if (
      !(await attempt(
        () =>
          saving.run(async (send) => {
            const out = calendar
              ? await send<CalendarDto>('PATCH', `/calendars/${calendar.id}`, body)
              : await send<CalendarDto>('POST', '/calendars', body);
            await reload();
            onSaved(`/admin/sla/calendars/${out.id}`, t('calendars.saved', { name: out.name }));
            if (!calendar) go(`/admin/sla/calendars/${out.id}`);
          }),
        setError,
      ))
    )
      focusProblem();
  };

  return (
    <form
      onSubmit={save}
      aria-label={calendar ? t('calendars.edit', { name: calendar.name }) : t('calendars.new')}
      noValidate
    >
      {calendar ? <h2 data-i18n-skip>{calendar.name}</h2> : <h2>{t('calendars.new')}</h2>}
      <div className="row">
        <div className="grow">
          <FieldAt label={t('calendars.name')} at="/body/name" error={error}>
            {(p) => <input {...p} value={d.name} onChange={(e) => setD({ ...d, name: e.target.value })} />}
          </FieldAt>
        </div>
        <div className="grow">
          <FieldAt
            label={t('calendars.zone')}
            at="/body/timeZone"
            error={error}
            hint={t('calendars.zoneHint')}
          >
            {(p) => (
              <input
                {...p}
                list="sla-zones"
                value={d.timeZone}
                onChange={(e) => setD({ ...d, timeZone: e.target.value })}
              />
            )}
          </FieldAt>
          <datalist id="sla-zones">
            {ZONES.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>
      </div>

      <fieldset>
        <legend>{t('calendars.weeklyHours')}</legend>
        <p className="hint">{t('calendars.hoursHint')}</p>
        <ErrorAt error={error} at="/body/hours" id="err-hours" label={t('calendars.hours')} exact />
        <table className="hours">
          <tbody>
            {DAYS.map((code, i) => {
              const day = dayName(code);
              return (
                <tr key={code}>
                  <th scope="row">{day}</th>
                  <td>
                    {d.hours[i]!.length === 0 && <span className="muted">{t('calendars.closed')}</span>}
                    {d.hours[i]!.map(([from, to], j) => {
                      const at = `/body/hours/${i + 1}/${j}`;
                      const bad = messagesAt(error, at).length > 0;
                      const errId = `err-hours-${i + 1}-${j}`;
                      const edit = (k: 0 | 1, v: string) =>
                        setDay(
                          i,
                          d.hours[i]!.map((x, n) =>
                            n === j ? ((k === 0 ? [v, x[1]] : [x[0], v]) as Interval) : x,
                          ),
                        );
                      return (
                        // biome-ignore lint/suspicious/noArrayIndexKey: intervals have no identity but their place
                        <span className="interval" key={j}>
                          <input
                            aria-label={t('calendars.opens', { day, n: j + 1 })}
                            className="hhmm"
                            inputMode="numeric"
                            placeholder="09:00"
                            value={from}
                            aria-invalid={bad || undefined}
                            aria-describedby={bad ? errId : undefined}
                            onChange={(e) => edit(0, e.target.value)}
                          />
                          –
                          <input
                            aria-label={t('calendars.closes', { day, n: j + 1 })}
                            className="hhmm"
                            inputMode="numeric"
                            placeholder="18:00"
                            value={to}
                            aria-invalid={bad || undefined}
                            aria-describedby={bad ? errId : undefined}
                            onChange={(e) => edit(1, e.target.value)}
                          />
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={t('calendars.removeInterval', { day, n: j + 1 })}
                            onClick={() =>
                              setDay(
                                i,
                                d.hours[i]!.filter((_, n) => n !== j),
                              )
                            }
                          >
                            ×
                          </button>
                          <ErrorAt error={error} at={at} id={errId} label={`${day} ${from}–${to}`} />
                        </span>
                      );
                    })}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={t('calendars.addInterval', { day })}
                      disabled={d.hours[i]!.length >= 6}
                      onClick={() => setDay(i, [...d.hours[i]!, ['09:00', '18:00']])}
                    >
                      {t('calendars.add')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div className="row">
          <button
            type="button"
            className="secondary small"
            onClick={() =>
              setD({
                ...d,
                hours: d.hours.map((x, i) =>
                  i > 0 && i < 5 ? d.hours[0]!.map((iv) => [...iv] as Interval) : x,
                ),
              })
            }
          >
            {t('calendars.copyMonday')}
          </button>
          <button
            type="button"
            className="secondary small"
            onClick={() => setD({ ...d, hours: DAYS.map(() => [['00:00', '24:00']]) })}
          >
            {t('calendars.aroundTheClock')}
          </button>
        </div>
      </fieldset>

      <Holidays d={d} setD={setD} error={error} />

      <FormProblem error={error} placed={['/body/name', '/body/timeZone', '/body/hours', '/body/holidays']} />
      <div className="row">
        <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
          {calendar ? t('calendars.save') : t('calendars.addCalendar')}
        </button>
      </div>
      {calendar && (
        <HolidayImport
          calendar={calendar}
          onDone={async (c) => {
            setD({ ...d, holidays: c.holidays.map((h) => ({ ...h })) });
            await reload();
          }}
        />
      )}
    </form>
  );
}

function Holidays({ d, setD, error }: { d: Draft; setD(d: Draft): void; error: ApiError | null }) {
  const t = useT();
  const edit = (i: number, k: 'date' | 'name', v: string) =>
    setD({ ...d, holidays: d.holidays.map((h, n) => (n === i ? { ...h, [k]: v } : h)) });
  return (
    <fieldset>
      <legend>{t('calendars.holidaysLegend', { n: d.holidays.length })}</legend>
      <p className="hint">{t('calendars.holidaysHint')}</p>
      <ErrorAt
        error={error}
        at="/body/holidays"
        id="err-holidays"
        label={t('calendars.holidaysLabel')}
        exact
      />
      <ul className="holidays">
        {d.holidays.map((h, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a holiday being typed has no identity yet
          <li key={i} className="row">
            <FieldAt
              label={t('calendars.holidayDate', { n: i + 1 })}
              at={`/body/holidays/${i}/date`}
              error={error}
            >
              {(p) => (
                <input {...p} type="date" value={h.date} onChange={(e) => edit(i, 'date', e.target.value)} />
              )}
            </FieldAt>
            <div className="grow">
              <FieldAt
                label={t('calendars.holidayName', { n: i + 1 })}
                at={`/body/holidays/${i}/name`}
                error={error}
              >
                {(p) => <input {...p} value={h.name} onChange={(e) => edit(i, 'name', e.target.value)} />}
              </FieldAt>
            </div>
            <button
              type="button"
              className="secondary small"
              aria-label={t('calendars.removeHoliday', { name: h.name || i + 1 })}
              onClick={() => setD({ ...d, holidays: d.holidays.filter((_, n) => n !== i) })}
            >
              {t('calendars.remove')}
            </button>
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="secondary small"
        onClick={() => {
          setD({ ...d, holidays: [...d.holidays, { date: '', name: '' }] });
          focusSoon('ul.holidays li:last-child input[type=date]');
        }}
      >
        {t('calendars.addHoliday')}
      </button>
    </fieldset>
  );
}

/** The API names a pasted holiday by its index; the person counts lines from 1. */
const byLine = (e: ApiError) =>
  new ApiError({
    ...e.problem,
    errors: e.problem.errors?.map((x): ShownFieldError => {
      const m = /^\/body\/holidays\/(\d+)(?:\/(\w+))?/.exec(x.field);
      return m
        ? {
            ...x,
            field: '/body/holidays',
            where: m[2]
              ? translate('calendars.lineField', { n: Number(m[1]) + 1, field: m[2] })
              : translate('calendars.line', { n: Number(m[1]) + 1 }),
          }
        : x;
    }),
  });

/** Paste a published list ("2026-12-25 Christmas Day", one a line): added to the calendar's, or replacing them. */
function HolidayImport({
  calendar,
  onDone,
}: {
  calendar: CalendarDto;
  onDone(c: CalendarDto): Promise<void>;
}) {
  const t = useT();
  const [text, setText] = useState('');
  const [replace, setReplace] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const importing = useSubmit();
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const holidays = lines.map((l) => {
    const m = /^(\S+)[\s,;]+(.+)$/.exec(l);
    return { date: m?.[1] ?? l, name: m?.[2]?.trim() ?? '' };
  });
  const submit = async () => {
    setDone(null);
    const ok = await attempt(
      () =>
        importing.run(async (send) =>
          onDone(
            await send<CalendarDto>('POST', `/calendars/${calendar.id}/holidays`, { holidays, replace }),
          ),
        ),
      (e) => setError(e && byLine(e)),
    );
    if (ok) {
      setDone(t('calendars.imported', { count: holidays.length }));
      setText('');
    }
  };
  return (
    <fieldset className="import">
      <legend>{t('calendars.import')}</legend>
      <FieldAt
        label={t('calendars.toImport')}
        at="/body/holidays"
        error={error}
        hint={t('calendars.importHint')}
      >
        {(p) => <textarea {...p} rows={3} value={text} onChange={(e) => setText(e.target.value)} />}
      </FieldAt>
      <label className="check">
        <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
        {t('calendars.replace')}
      </label>
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={!lines.length || importing.busy}
          onClick={() => void submit()}
        >
          {t('calendars.importButton')}
        </button>
        {done && <span role="status">{done}</span>}
      </div>
    </fieldset>
  );
}
