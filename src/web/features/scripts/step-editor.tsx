import { useRef } from 'react';
import type { ApiError } from '../../app/api.ts';
import type { FieldErrorDto } from '../../app/types.ts';
import { t as translate, useT } from '../../i18n/index.ts';
import { FieldsWords } from '../../ui/problem.tsx';
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

/** The API's field errors at this exact pointer or anything under it (e.g. a step's choices). */
export function messagesAt(error: ApiError | null, pointer: string, exact = false): FieldErrorDto[] {
  return (error?.problem.errors ?? []).filter(
    (e) => e.field === pointer || (!exact && e.field.startsWith(`${pointer}/`)),
  );
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
  const t = useT();
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => set(e.target.value)}>
        <option value="">{t('stepEditor.chooseStep')}</option>
        {targets.map((x) => (
          // A step's id is what the writer typed.
          <option key={x} value={x} data-i18n-skip>
            {x}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The problems the server found with a field, in their rules' words. */
function Problems({ messages }: { messages: FieldErrorDto[] }) {
  return messages.length ? (
    <span className="error" role="alert">
      <FieldsWords errors={messages} separator={translate('stepEditor.problems')} />
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
  const t = useT();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const at = `/body/steps/${index}`;
  const n = index + 1;
  const targets = ids.filter((x) => x && x !== step.id);
  return (
    <fieldset className="step-editor">
      <legend>
        {t('stepEditor.step', { n })}
        {index === 0 ? t('stepEditor.start') : ''}
      </legend>
      <Problems messages={messagesAt(error, at, true)} />
      <div className="row">
        <label>
          {t('stepEditor.id', { n })}
          <input value={step.id} onChange={(e) => onChange({ ...step, id: e.target.value })} />
          <Problems messages={messagesAt(error, `${at}/id`)} />
        </label>
        <label className="grow">
          {t('stepEditor.title', { n })}
          <input value={step.title} onChange={(e) => onChange({ ...step, title: e.target.value })} />
          <Problems messages={messagesAt(error, `${at}/title`)} />
        </label>
      </div>
      <label>
        {t('stepEditor.text', { n })}
        <textarea
          data-i18n-skip
          ref={textRef}
          rows={3}
          value={step.text}
          onChange={(e) => onChange({ ...step, text: e.target.value })}
        />
        <Problems messages={messagesAt(error, `${at}/text`)} />
      </label>
      <VariablePicker
        onPick={(token) => onChange({ ...step, text: insertAt(textRef.current, step.text, token) })}
      />
      <label>
        {t('stepEditor.after', { n })}
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
          <option value="next">{t('stepEditor.next')}</option>
          <option value="choices">{t('stepEditor.choices')}</option>
          <option value="end">{t('stepEditor.end')}</option>
        </select>
      </label>
      {step.after === 'next' && (
        <>
          <TargetSelect
            label={t('stepEditor.goesOnTo', { n })}
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
                {t('stepEditor.choice', { n, choice: j + 1 })}
                <input value={c.label} onChange={(e) => set({ label: e.target.value })} />
              </label>
              <TargetSelect
                label={t('stepEditor.choiceGoesTo', { n, choice: j + 1 })}
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
                  {t('stepEditor.removeChoice', { choice: j + 1 })}
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
            {t('stepEditor.addChoice', { n })}
          </button>
        </>
      )}
      <div className="row">
        <button type="button" className="secondary" onClick={() => onMove(-1)} disabled={index === 0}>
          {t('stepEditor.moveUp', { n })}
        </button>
        <button type="button" className="secondary" onClick={() => onMove(1)}>
          {t('stepEditor.moveDown', { n })}
        </button>
        <button type="button" className="secondary" onClick={onRemove}>
          {t('stepEditor.remove', { n })}
        </button>
      </div>
    </fieldset>
  );
}
