import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  scanTemplate,
  TEMPLATE_KIND_LABELS,
  TEMPLATE_KINDS,
  TEMPLATE_VARIABLES,
  type TemplateKind,
} from '../../../shared/templating.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt, Field } from '../../ui/field.tsx';
import type { TemplateDto } from './types.ts';

const EMPTY = { kind: 'phrase' as TemplateKind, name: '', description: '', subject: '', body: '' };

/** Insert `{{name}}` into a text field at the caret, through a picker of the documented variables. */
export function VariablePicker({ onPick }: { onPick(token: string): void }) {
  return (
    <label className="variable-picker">
      Insert a variable
      <select
        value=""
        onChange={(e) => {
          if (e.target.value) onPick(`{{${e.target.value}}}`);
        }}
      >
        <option value="">(choose)</option>
        {TEMPLATE_VARIABLES.map((v) => (
          <option key={v.name} value={v.name}>
            {v.label} — {`{{${v.name}}}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Splice `token` into `value` at the caret of `el` (or at the end). */
export function insertAt(el: HTMLTextAreaElement | null, value: string, token: string): string {
  const at = el?.selectionStart ?? value.length;
  return value.slice(0, at) + token + value.slice(el?.selectionEnd ?? at);
}

/** Standard phrases, e-mail and SMS templates: list, write, edit, archive. */
export function TemplatesAdmin() {
  const headingId = useId();
  const [items, setItems] = useState<TemplateDto[]>([]);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const saving = useSubmit();
  const load = useCallback(
    async () =>
      setItems((await api<{ items: TemplateDto[] }>('GET', '/templates?includeInactive=true')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const reset = () => {
    setForm(EMPTY);
    setEditing(null);
    setError(null);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const subject = form.kind === 'email' ? form.subject : null;
    const body = { name: form.name, description: form.description || null, subject, body: form.body };
    await attempt(
      () =>
        saving.run(async (send) => {
          if (editing) await send('PATCH', `/templates/${editing}`, body);
          else await send('POST', '/templates', { ...body, kind: form.kind });
          setSaved(`Saved “${form.name}”.`);
          reset();
          await load();
        }),
      setError,
    );
  };
  const warnings = scanTemplate(`${form.kind === 'email' ? form.subject : ''}\n${form.body}`).problems;

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Templates for replies and calls</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Variables</th>
            <th scope="col">In use</th>
            <th scope="col">
              <span className="sr-only">Edit</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{TEMPLATE_KIND_LABELS[t.kind]}</td>
              <td>{t.variables.join(', ') || '—'}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${t.name} in use`}
                  checked={t.active}
                  onChange={async (e) => {
                    await attempt(
                      () => api('PATCH', `/templates/${t.id}`, { active: e.target.checked }),
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
                  aria-label={`Edit template ${t.name}`}
                  onClick={() => {
                    setEditing(t.id);
                    setSaved(null);
                    setError(null);
                    setForm({
                      kind: t.kind,
                      name: t.name,
                      description: t.description ?? '',
                      subject: t.subject ?? '',
                      body: t.body,
                    });
                  }}
                >
                  Edit
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={save} aria-label={editing ? 'Edit the template' : 'New template'}>
        <div className="row">
          <Field label="Kind of template" name="kind" error={error}>
            <select
              value={form.kind}
              disabled={editing !== null}
              onChange={(e) => setForm({ ...form, kind: e.target.value as TemplateKind })}
            >
              {TEMPLATE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {TEMPLATE_KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </Field>
          <div className="grow">
            <Field label="Template name" name="name" error={error}>
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
          </div>
        </div>
        <Field label="What it is for (optional)" name="description" error={error}>
          <input
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </Field>
        {form.kind === 'email' && (
          <Field label="E-mail subject" name="subject" error={error}>
            <input value={form.subject} onChange={(e) => setForm({ ...form, subject: e.target.value })} />
          </Field>
        )}
        <Field label="Text" name="body" error={error}>
          <textarea
            ref={bodyRef}
            rows={6}
            value={form.body}
            onChange={(e) => setForm({ ...form, body: e.target.value })}
          />
        </Field>
        <VariablePicker
          onPick={(token) => setForm({ ...form, body: insertAt(bodyRef.current, form.body, token) })}
        />
        {warnings.length > 0 && (
          <p className="warn">Check the placeholders: the text {warnings.join('; ')}.</p>
        )}
        <div className="row">
          <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
            {editing ? 'Save the template' : 'Add template'}
          </button>
          {editing && (
            <button type="button" className="secondary" onClick={reset}>
              Cancel
            </button>
          )}
          {saved && <span role="status">{saved}</span>}
        </div>
      </form>
    </section>
  );
}
