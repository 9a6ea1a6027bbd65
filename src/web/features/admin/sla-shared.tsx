// Wire types and small pieces shared by the service-level screens (types only from the contracts:
// the web bundle does not load the schema library).
import { type ReactNode, useId } from 'react';
import type {
  CalendarDto,
  EscalationRuleDto,
  PolicyConditionsDto,
  PolicyDto,
  PolicyPreviewDto,
  RuleActionsDto,
  SlaSettingsDto,
} from '../../../shared/contracts/sla.ts';
import type { ApiError } from '../../app/api.ts';
import type { FieldErrorDto } from '../../app/types.ts';
import { t } from '../../i18n/index.ts';
import { focusSoon } from '../../ui/focus.ts';
import { FieldsWords, FieldWords, ProblemText } from '../../ui/problem.tsx';

export type {
  CalendarDto,
  EscalationRuleDto,
  PolicyConditionsDto,
  PolicyDto,
  PolicyPreviewDto,
  RuleActionsDto,
  SlaSettingsDto,
};
export type Category = { id: string; path: string; active: boolean };

type Cond<K extends keyof PolicyConditionsDto> = NonNullable<PolicyConditionsDto[K]>[number];
type Options<V extends string> = readonly (readonly [V, string])[];
export const TYPES = [
  'general_enquiry',
  'request_for_action',
  'complaint',
  'compliment',
  'feedback',
] as const satisfies readonly Cond<'types'>[];
export const CRITICALITIES = [
  'highly_critical',
  'not_highly_critical',
] as const satisfies readonly Cond<'criticalities'>[];
export const PRIORITIES = [
  'low',
  'normal',
  'high',
  'urgent',
] as const satisfies readonly Cond<'priorities'>[];
export const CHANNELS = [
  'phone',
  'email',
  'chat',
  'sms',
  'letter',
  'walk_in',
] as const satisfies readonly Cond<'channels'>[];
/** The choices with their words on screen, in the reader's language (made at render). */
export const typeOptions = (): Options<(typeof TYPES)[number]> =>
  TYPES.map((v) => [v, t(`slaAdmin.type.${v}`)]);
export const criticalityOptions = (): Options<(typeof CRITICALITIES)[number]> =>
  CRITICALITIES.map((v) => [v, t(`slaAdmin.criticality.${v}`)]);
export const priorityOptions = (): Options<(typeof PRIORITIES)[number]> =>
  PRIORITIES.map((v) => [v, t(`slaAdmin.priority.${v}`)]);
export const channelOptions = (): Options<(typeof CHANNELS)[number]> =>
  CHANNELS.map((v) => [v, t(`slaAdmin.channel.${v}`)]);
export const CLOCKS = [
  'first_response',
  'next_update',
  'resolution',
] as const satisfies readonly EscalationRuleDto['clock'][];
/** A clock's name on its own ("First response"). */
export const clockLabel = (k: EscalationRuleDto['clock']) => t(`slaAdmin.clock.${k}`);
/** Monday first, as the API numbers the days (1 to 7). */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const dayName = (day: (typeof DAYS)[number]) => t(`slaAdmin.day.${day}`);
const CONDITION_KEYS: Record<keyof PolicyConditionsDto, true> = {
  types: true,
  categoryIds: true,
  criticalities: true,
  priorities: true,
  channels: true,
  segments: true,
};
/** What each condition is called on screen (the preview names the ones that do not hold). */
export const conditionLabel = (k: string) =>
  k in CONDITION_KEYS ? t(`slaAdmin.condition.${k as keyof PolicyConditionsDto}`) : k;

/**
 * Business minutes in words: "4 h 30 min", "45 min", "27 h". No days: a day of business time is not
 * 24 hours (office hours make 1,440 business minutes nearly three working days), so hours say it plainly.
 */
export function minutesInWords(m: number): string {
  const sign = m < 0 ? '−' : '';
  const left = Math.abs(m);
  const h = Math.floor(left / 60);
  const min = left - h * 60;
  if (!h) return sign + t('format.min', { m: min });
  return sign + (min ? t('format.hMin', { h, m: min }) : t('format.h', { h }));
}

/** An instant in a calendar's zone, in the reader's locale, e.g. "Tue 1 Dec, 11:00". */
export function atInZone(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

/** The API's field errors at a JSON pointer and everything under it (`/body/hours/1` covers `/body/hours/1/0/0`). */
export function messagesAt(error: ApiError | null, pointer: string, exact = false): FieldErrorDto[] {
  return (error?.problem.errors ?? []).filter(
    (e) => e.field === pointer || (!exact && e.field.startsWith(`${pointer}/`)),
  );
}

/** The API's message beside the control it names; its id goes in the control's aria-describedby. */
export function ErrorAt({
  error,
  at,
  id,
  label,
  exact = false,
}: {
  error: ApiError | null;
  at: string;
  id: string;
  label: string;
  /** Only the pointer itself, not what is under it (shown beside their own controls). */
  exact?: boolean;
}) {
  const messages = messagesAt(error, at, exact);
  return messages.length ? (
    <span className="error" id={id} role="alert">
      {label} <FieldsWords errors={messages} />
    </span>
  ) : null;
}

/** After a refused save: keyboard focus to the first field marked, else to the form's problem. */
export const focusProblem = () => focusSoon('.sla-admin [aria-invalid="true"], #sla-form-problem');

/** The problem as a whole, naming any field the form could not place beside a control. */
export function FormProblem({ error, placed }: { error: ApiError | null; placed: string[] }) {
  if (!error) return null;
  const stray = (error.problem.errors ?? []).filter(
    (e) => !placed.some((p) => e.field === p || e.field.startsWith(`${p}/`)),
  );
  return (
    <p className="error" role="alert" id="sla-form-problem" tabIndex={-1}>
      {t('slaAdmin.notSaved')}
      {error.problem.errors?.length ? t('slaAdmin.seeFields') : <ProblemText error={error} />}
      {stray.map((e) => (
        <span key={`${e.field} ${e.rule}`}>
          {' '}
          <span data-i18n-skip>{e.field.replace('/body/', '')}</span> <FieldWords error={e} />.
        </span>
      ))}
    </p>
  );
}

/** What a control inside FieldAt spreads onto itself: its id for the label, its hint and problem. */
export type ControlProps = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true };

/**
 * A labelled control whose API message, found by pointer, shows under it and is tied to it by
 * aria-describedby (the label names the control; the hint and the problem describe it).
 */
export function FieldAt({
  label,
  at,
  error,
  hint,
  children,
}: {
  label: string;
  at: string;
  error: ApiError | null;
  hint?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const errId = `err-${at.replaceAll('/', '-')}`;
  const hintId = `${id}-hint`;
  const bad = messagesAt(error, at).length > 0;
  const describedBy = [hint ? hintId : '', bad ? errId : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(bad ? { 'aria-invalid': true } : {}),
      })}
      {hint && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
      <ErrorAt error={error} at={at} id={errId} label={label} />
    </div>
  );
}

/** A group of checkboxes choosing some of a fixed list; none chosen means "any". */
export function Choices<V extends string>({
  legend,
  options,
  value,
  onChange,
  error,
  at,
  data = false,
}: {
  legend: string;
  options: readonly (readonly [V, string])[];
  /** The options' names are data (category paths), not words of the catalogue. */
  data?: boolean;
  value: readonly V[] | undefined;
  onChange(next: V[] | undefined): void;
  error: ApiError | null;
  at: string;
}) {
  const chosen = new Set(value ?? []);
  const id = `err-${at.replaceAll('/', '-')}`;
  return (
    <fieldset
      className={options.length > 8 ? 'choices many' : 'choices'}
      aria-describedby={messagesAt(error, at).length ? id : undefined}
    >
      <legend>
        {legend} <span className="muted">{chosen.size ? '' : t('slaAdmin.any')}</span>
      </legend>
      {options.map(([v, label]) => (
        <label key={v} className="check">
          <input
            type="checkbox"
            checked={chosen.has(v)}
            onChange={(e) => {
              const next = options
                .map(([o]) => o)
                .filter((o) => (o === v ? e.target.checked : chosen.has(o)));
              onChange(next.length ? next : undefined);
            }}
          />
          {data ? <span data-i18n-skip>{label}</span> : label}
        </label>
      ))}
      <ErrorAt error={error} at={at} id={id} label={legend} />
    </fieldset>
  );
}

/** A policy's or rule's conditions in one line. */
export function conditionsInWords(c: Record<string, string[]>, categories: Category[]): string {
  const or = (xs: string[]) => xs.join(t('slaAdmin.or'));
  const label = (list: Options<string>, v: string) => list.find(([k]) => k === v)?.[1] ?? v;
  const parts: string[] = [];
  if (c.types) parts.push(or(c.types.map((v) => label(typeOptions(), v))));
  if (c.criticalities) parts.push(or(c.criticalities.map((v) => label(criticalityOptions(), v))));
  if (c.priorities)
    parts.push(
      t('slaAdmin.words.priority', { list: or(c.priorities.map((v) => label(priorityOptions(), v))) }),
    );
  if (c.channels)
    parts.push(t('slaAdmin.words.by', { list: or(c.channels.map((v) => label(channelOptions(), v))) }));
  if (c.categoryIds)
    parts.push(
      t('slaAdmin.words.in', {
        list: or(c.categoryIds.map((id) => categories.find((x) => x.id === id)?.path ?? id)),
      }),
    );
  if (c.segments) parts.push(t('slaAdmin.words.segment', { list: or(c.segments) }));
  return parts.length ? parts.join(', ') : t('slaAdmin.words.every');
}
