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
import { focusSoon } from '../../ui/focus.ts';

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
export const TYPES = [
  ['general_enquiry', 'General enquiry'],
  ['request_for_action', 'Request for action'],
  ['complaint', 'Complaint'],
  ['compliment', 'Compliment'],
  ['feedback', 'Feedback'],
] as const satisfies readonly (readonly [Cond<'types'>, string])[];
export const CRITICALITIES = [
  ['highly_critical', 'Highly critical'],
  ['not_highly_critical', 'Not highly critical'],
] as const satisfies readonly (readonly [Cond<'criticalities'>, string])[];
export const PRIORITIES = [
  ['low', 'Low'],
  ['normal', 'Normal'],
  ['high', 'High'],
  ['urgent', 'Urgent'],
] as const satisfies readonly (readonly [Cond<'priorities'>, string])[];
export const CHANNELS = [
  ['phone', 'Phone'],
  ['email', 'E-mail'],
  ['chat', 'Chat'],
  ['sms', 'SMS'],
  ['letter', 'Letter'],
  ['walk_in', 'Walk-in'],
] as const satisfies readonly (readonly [Cond<'channels'>, string])[];
export const CLOCK_LABELS: Record<EscalationRuleDto['clock'], string> = {
  first_response: 'First response',
  next_update: 'Next update',
  resolution: 'Resolution',
};
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
/** What each condition is called on screen (the preview names the ones that do not hold). */
export const CONDITION_LABELS: Record<keyof PolicyConditionsDto, string> = {
  types: 'type',
  categoryIds: 'category',
  criticalities: 'criticality',
  priorities: 'priority',
  channels: 'channel',
  segments: 'customer segment',
};

/**
 * Business minutes in words: "4 h 30 min", "45 min", "27 h". No days: a day of business time is not
 * 24 hours (office hours make 1,440 business minutes nearly three working days), so hours say it plainly.
 */
export function minutesInWords(m: number): string {
  const sign = m < 0 ? '−' : '';
  const left = Math.abs(m);
  const h = Math.floor(left / 60);
  const min = left - h * 60;
  return sign + [h ? `${h} h` : '', min || !h ? `${min} min` : ''].filter(Boolean).join(' ');
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

/** The API's messages for a JSON pointer and everything under it (`/body/hours/1` covers `/body/hours/1/0/0`). */
export function messagesAt(error: ApiError | null, pointer: string, exact = false): string[] {
  return (error?.problem.errors ?? [])
    .filter((e) => e.field === pointer || (!exact && e.field.startsWith(`${pointer}/`)))
    .map((e) => e.message);
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
      {label} {messages.join('; ')}
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
      Not saved: {error.problem.errors?.length ? 'see the fields marked.' : error.message}
      {stray.map((e) => ` ${e.field.replace('/body/', '')} ${e.message}.`).join('')}
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
}: {
  legend: string;
  options: readonly (readonly [V, string])[];
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
        {legend} <span className="muted">{chosen.size ? '' : '(any)'}</span>
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
          {label}
        </label>
      ))}
      <ErrorAt error={error} at={at} id={id} label={legend} />
    </fieldset>
  );
}

/** A policy's or rule's conditions in one line. */
export function conditionsInWords(c: Record<string, string[]>, categories: Category[]): string {
  const label = (list: readonly (readonly [string, string])[], v: string) =>
    list.find(([k]) => k === v)?.[1] ?? v;
  const parts: string[] = [];
  if (c.types) parts.push(c.types.map((v) => label(TYPES, v)).join(' or '));
  if (c.criticalities) parts.push(c.criticalities.map((v) => label(CRITICALITIES, v)).join(' or '));
  if (c.priorities) parts.push(`priority ${c.priorities.map((v) => label(PRIORITIES, v)).join(' or ')}`);
  if (c.channels) parts.push(`by ${c.channels.map((v) => label(CHANNELS, v)).join(' or ')}`);
  if (c.categoryIds)
    parts.push(
      `in ${c.categoryIds.map((id) => categories.find((x) => x.id === id)?.path ?? id).join(' or ')}`,
    );
  if (c.segments) parts.push(`segment ${c.segments.join(' or ')}`);
  return parts.length ? parts.join(', ') : 'Every case';
}
