import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  scanTemplate,
  TEMPLATE_KINDS,
  TEMPLATE_VARIABLES,
  type TemplateKind,
  type TemplateVariable,
} from '../../../shared/templating.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { type Key, t as translate, useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';
import { FieldsWords } from '../../ui/problem.tsx';
import type { TemplateDto } from './types.ts';

const EMPTY = { kind: 'phrase' as TemplateKind, name: '', description: '', subject: '', body: '' };

/** A variable's label in the catalogue (`templatesAdmin.var.customer.name`); a variable it lacks by its English label. */
function variableLabel(v: TemplateVariable): string {
  const key = `templatesAdmin.var.${v.name}`;
  const label = translate(key as Key);
  return label === key ? v.label : label;
}

/** A kind of template in words. */
const kindLabel = (kind: TemplateKind) => translate(`templatesAdmin.kind.${kind}`);

/** Insert `{{name}}` into a text field at the caret, through a picker of the documented variables. */
export function VariablePicker({ onPick }: { onPick(token: string): void }) {
  const t = useT();
  return (
    <label className="variable-picker">
      {t('templatesAdmin.insertVariable')}
      <select
        value=""
        onChange={(e) => {
          if (e.target.value) onPick(`{{${e.target.value}}}`);
        }}
      >
        <option value="">{t('templatesAdmin.choose')}</option>
        {TEMPLATE_VARIABLES.map((v) => (
          <option key={v.name} value={v.name}>
            {t('templatesAdmin.variable', { label: variableLabel(v), token: `{{${v.name}}}` })}
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
  const t = useT();
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
          setSaved(t('templatesAdmin.saved', { name: form.name }));
          reset();
          await load();
        }),
      setError,
    );
  };
  const warnings = scanTemplate(`${form.kind === 'email' ? form.subject : ''}\n${form.body}`).problems;

  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{t('templatesAdmin.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('templatesAdmin.col.name')}</th>
            <th scope="col">{t('templatesAdmin.col.kind')}</th>
            <th scope="col">{t('templatesAdmin.col.variables')}</th>
            <th scope="col">{t('templatesAdmin.col.inUse')}</th>
            <th scope="col">
              <span className="sr-only">{t('templatesAdmin.col.edit')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((tpl) => (
            <tr key={tpl.id}>
              <td data-i18n-skip>{tpl.name}</td>
              <td>{kindLabel(tpl.kind)}</td>
              {/* The variables as the template language writes them (customer.name): code, not words. */}
              <td data-i18n-skip>
                {tpl.variables.join(t('templatesAdmin.separator')) || t('templatesAdmin.none')}
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={t('templatesAdmin.inUse', { name: tpl.name })}
                  checked={tpl.active}
                  onChange={async (e) => {
                    await attempt(
                      () => api('PATCH', `/templates/${tpl.id}`, { active: e.target.checked }),
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
                  aria-label={t('templatesAdmin.editTemplate', { name: tpl.name })}
                  onClick={() => {
                    setEditing(tpl.id);
                    setSaved(null);
                    setError(null);
                    setForm({
                      kind: tpl.kind,
                      name: tpl.name,
                      description: tpl.description ?? '',
                      subject: tpl.subject ?? '',
                      body: tpl.body,
                    });
                  }}
                >
                  {t('templatesAdmin.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={save} aria-label={editing ? t('templatesAdmin.editForm') : t('templatesAdmin.newForm')}>
        <div className="row">
          <Field label={t('templatesAdmin.kindField')} name="kind" error={error}>
            <select
              value={form.kind}
              disabled={editing !== null}
              onChange={(e) => setForm({ ...form, kind: e.target.value as TemplateKind })}
            >
              {TEMPLATE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {kindLabel(k)}
                </option>
              ))}
            </select>
          </Field>
          <div className="grow">
            <Field label={t('templatesAdmin.name')} name="name" error={error}>
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
            </Field>
          </div>
        </div>
        <Field label={t('templatesAdmin.description')} name="description" error={error}>
          <input
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        </Field>
        {form.kind === 'email' && (
          <Field label={t('templatesAdmin.subject')} name="subject" error={error}>
            <input value={form.subject} onChange={(e) => setForm({ ...form, subject: e.target.value })} />
          </Field>
        )}
        <Field label={t('templatesAdmin.text')} name="body" error={error}>
          <textarea
            data-i18n-skip
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
          <p className="warn">
            {t('templatesAdmin.checkBefore')}
            <FieldsWords errors={warnings} separator={t('templatesAdmin.problems')} />
            {t('templatesAdmin.checkAfter')}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
            {editing ? t('templatesAdmin.save') : t('templatesAdmin.add')}
          </button>
          {editing && (
            <button type="button" className="secondary" onClick={reset}>
              {t('templatesAdmin.cancel')}
            </button>
          )}
          {saved && <span role="status">{saved}</span>}
        </div>
      </form>
    </section>
  );
}
