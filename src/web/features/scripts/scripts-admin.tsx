import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';
import { FieldsWords } from '../../ui/problem.tsx';
import { type DraftStep, messagesAt, StepEditor } from './step-editor.tsx';
import type { ScriptDto, ScriptSummaryDto } from './types.ts';

const blankStep = (n: number): DraftStep => ({
  id: `step-${n}`,
  title: '',
  text: '',
  after: 'end',
  next: '',
  choices: [],
});

const toDraft = (s: ScriptDto['steps'][number]): DraftStep => ({
  id: s.id,
  title: s.title,
  text: s.text,
  after: s.choices.length ? 'choices' : s.next ? 'next' : 'end',
  next: s.next ?? '',
  choices: s.choices,
});

/** The steps as the API takes them: `next` or `choices` or neither (an end step). */
const toWire = (steps: DraftStep[]) =>
  steps.map((s) => ({
    id: s.id,
    title: s.title,
    text: s.text,
    ...(s.after === 'next' ? { next: s.next } : {}),
    ...(s.after === 'choices' ? { choices: s.choices } : {}),
  }));

/** Call scripts: list, write and edit the steps and branches, archive. The server checks the graph. */
export function ScriptsAdmin() {
  const t = useT();
  const headingId = useId();
  const [items, setItems] = useState<ScriptSummaryDto[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [steps, setSteps] = useState<DraftStep[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const saving = useSubmit();
  const load = useCallback(
    async () =>
      setItems((await api<{ items: ScriptSummaryDto[] }>('GET', '/scripts?includeInactive=true')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const start = (s: ScriptDto | null) => {
    setEditing(s?.id ?? null);
    setName(s?.name ?? '');
    setDescription(s?.description ?? '');
    setSteps(s ? s.steps.map(toDraft) : [blankStep(1)]);
    setError(null);
    setSaved(null);
    setOpen(true);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = { name, description: description || null, steps: toWire(steps) };
    await attempt(
      () =>
        saving.run(async (send) => {
          if (editing) await send('PATCH', `/scripts/${editing}`, body);
          else await send('POST', '/scripts', body);
          setSaved(t('scriptsAdmin.saved', { name }));
          setOpen(false);
          await load();
        }),
      setError,
    );
  };
  const move = (i: number, by: -1 | 1) =>
    setSteps((all) => {
      const j = i + by;
      if (j < 0 || j >= all.length) return all;
      const next = [...all];
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    });
  const general = messagesAt(error, '/body/steps', true);

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('scriptsAdmin.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('scriptsAdmin.col.name')}</th>
            <th scope="col">{t('scriptsAdmin.col.steps')}</th>
            <th scope="col">{t('scriptsAdmin.col.inUse')}</th>
            <th scope="col">
              <span className="sr-only">{t('scriptsAdmin.col.edit')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td data-i18n-skip>
                {s.name}
                {s.description && <div className="hint">{s.description}</div>}
              </td>
              <td>{s.stepCount}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={t('scriptsAdmin.inUse', { name: s.name })}
                  checked={s.active}
                  onChange={async (e) => {
                    await attempt(
                      () => api('PATCH', `/scripts/${s.id}`, { active: e.target.checked }),
                      setError,
                    );
                    await load();
                  }}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  aria-label={t('scriptsAdmin.editScript', { name: s.name })}
                  onClick={async () => start(await api<ScriptDto>('GET', `/scripts/${s.id}`))}
                >
                  {t('scriptsAdmin.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!open && (
        <p className="row">
          <button type="button" onClick={() => start(null)}>
            {t('scriptsAdmin.new')}
          </button>
          {saved && <span role="status">{saved}</span>}
        </p>
      )}
      {open && (
        <form onSubmit={save} aria-label={editing ? t('scriptsAdmin.editForm') : t('scriptsAdmin.newForm')}>
          <Field label={t('scriptsAdmin.name')} name="name" error={error}>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('scriptsAdmin.description')} name="description" error={error}>
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          {general.length > 0 && (
            // What the server found wrong with the steps as a whole.
            <p className="error" role="alert">
              <FieldsWords errors={general} separator={t('scriptsAdmin.problems')} />
            </p>
          )}
          {steps.map((s, i) => (
            <StepEditor
              // biome-ignore lint/suspicious/noArrayIndexKey: a step's id is edited in place, so the position keys it
              key={i}
              step={s}
              index={i}
              ids={steps.map((x) => x.id)}
              error={error}
              onChange={(next) => setSteps((all) => all.map((x, k) => (k === i ? next : x)))}
              onRemove={() => setSteps((all) => all.filter((_, k) => k !== i))}
              onMove={(by) => move(i, by)}
            />
          ))}
          <div className="row">
            <button
              type="button"
              className="secondary"
              onClick={() => setSteps((all) => [...all, blankStep(all.length + 1)])}
            >
              {t('scriptsAdmin.addStep')}
            </button>
            <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
              {editing ? t('scriptsAdmin.save') : t('scriptsAdmin.create')}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>
              {t('scriptsAdmin.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
