import { useRef } from 'react';
import type { ApiError } from '../../app/api.ts';
import { insertAt, VariablePicker } from './templates-admin.tsx';

/** A step as the editor holds it; `after` says what follows. */
export type DraftStep = {
  id: string;
  title: string;
  text: string;
  after: 'next' | 'choices' | 'end';
  next: string;
  choices: { label: string; next: string }[];
};

/** The API's messages for this exact pointer or anything under it (e.g. a step's choices). */
export function messagesAt(error: ApiError | null, pointer: string, exact = false): string[] {
  return (error?.problem.errors ?? [])
    .filter((e) => e.field === pointer || (!exact && e.field.startsWith(`${pointer}/`)))
    .map((e) => e.message);
}

function TargetSelect({
  label,
  value,
  targets,
  set,
}: {
  label: string;
  value: string;
  targets: string[];
  set(v: string): void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => set(e.target.value)}>
        <option value="">(choose a step)</option>
        {targets.map((x) => (
          <option key={x} value={x}>
            {x}
          </option>
        ))}
      </select>
    </label>
  );
}

function Problems({ messages }: { messages: string[] }) {
  return messages.length ? (
    <span className="error" role="alert">
      {messages.join('; ')}
    </span>
  ) : null;
}

/** One step of a call script: its id, title and text, then what follows — the next step, choices, or the end. */
export function StepEditor({
  step,
  index,
  ids,
  error,
  onChange,
  onRemove,
  onMove,
}: {
  step: DraftStep;
  index: number;
  ids: string[];
  error: ApiError | null;
  onChange(s: DraftStep): void;
  onRemove(): void;
  onMove(by: -1 | 1): void;
}) {
  const textRef = useRef<HTMLTextAreaElement>(null);
  const at = `/body/steps/${index}`;
  const name = `Step ${index + 1}`;
  const targets = ids.filter((x) => x && x !== step.id);
  return (
    <fieldset className="step-editor">
      <legend>
        {name}
        {index === 0 ? ' (start)' : ''}
      </legend>
      <Problems messages={messagesAt(error, at, true)} />
      <div className="row">
        <label>
          {name} id
          <input value={step.id} onChange={(e) => onChange({ ...step, id: e.target.value })} />
          <Problems messages={messagesAt(error, `${at}/id`)} />
        </label>
        <label className="grow">
          {name} title
          <input value={step.title} onChange={(e) => onChange({ ...step, title: e.target.value })} />
          <Problems messages={messagesAt(error, `${at}/title`)} />
        </label>
      </div>
      <label>
        {name} text (said to the customer)
        <textarea
          ref={textRef}
          rows={3}
          value={step.text}
          onChange={(e) => onChange({ ...step, text: e.target.value })}
        />
        <Problems messages={messagesAt(error, `${at}/text`)} />
      </label>
      <VariablePicker onPick={(t) => onChange({ ...step, text: insertAt(textRef.current, step.text, t) })} />
      <label>
        After {name.toLowerCase()}
        <select
          value={step.after}
          onChange={(e) => {
            const after = e.target.value as DraftStep['after'];
            const choices =
              after === 'choices' && step.choices.length < 2
                ? [...step.choices, ...Array(2 - step.choices.length).fill({ label: '', next: '' })]
                : step.choices;
            onChange({ ...step, after, choices });
          }}
        >
          <option value="next">go on to another step</option>
          <option value="choices">offer choices (branch)</option>
          <option value="end">end the script</option>
        </select>
      </label>
      {step.after === 'next' && (
        <>
          <TargetSelect
            label={`${name} goes on to`}
            value={step.next}
            targets={targets}
            set={(next) => onChange({ ...step, next })}
          />
          <Problems messages={messagesAt(error, `${at}/next`)} />
        </>
      )}
      {step.after === 'choices' &&
        step.choices.map((c, j) => {
          const set = (patch: Partial<DraftStep['choices'][number]>) =>
            onChange({ ...step, choices: step.choices.map((x, k) => (k === j ? { ...x, ...patch } : x)) });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: choices have no id of their own; the position is their identity while editing
            <div key={j} className="row">
              <label className="grow">
                {name} choice {j + 1}
                <input value={c.label} onChange={(e) => set({ label: e.target.value })} />
              </label>
              <TargetSelect
                label={`${name} choice ${j + 1} goes to`}
                value={c.next}
                targets={targets}
                set={(next) => set({ next })}
              />
              {step.choices.length > 2 && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => onChange({ ...step, choices: step.choices.filter((_, k) => k !== j) })}
                >
                  Remove choice {j + 1}
                </button>
              )}
              <Problems messages={messagesAt(error, `${at}/choices/${j}`)} />
            </div>
          );
        })}
      {step.after === 'choices' && (
        <>
          <Problems messages={messagesAt(error, `${at}/choices`, true)} />
          <button
            type="button"
            className="secondary"
            onClick={() => onChange({ ...step, choices: [...step.choices, { label: '', next: '' }] })}
          >
            Add a choice to {name.toLowerCase()}
          </button>
        </>
      )}
      <div className="row">
        <button type="button" className="secondary" onClick={() => onMove(-1)} disabled={index === 0}>
          Move {name.toLowerCase()} up
        </button>
        <button type="button" className="secondary" onClick={() => onMove(1)}>
          Move {name.toLowerCase()} down
        </button>
        <button type="button" className="secondary" onClick={onRemove}>
          Remove {name.toLowerCase()}
        </button>
      </div>
    </fieldset>
  );
}
