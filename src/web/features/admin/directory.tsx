import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSession } from '../../app/session.tsx';
import type { DepartmentDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';

const EMPTY = { name: '', purpose: '', phone: '', email: '', hours: '', external: false };

/** Departments and outside parties: the referral directory officers read numbers from. */
export function DirectoryAdmin() {
  const t = useT();
  // Shown only to those who run the directory today; the check keeps it so if the page is widened.
  const may = can(useSession().user?.role ?? '', 'directory.manage');
  const [items, setItems] = useState<DepartmentDto[]>([]);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const saving = useSubmit();
  const load = useCallback(
    async () =>
      setItems((await api<{ items: DepartmentDto[] }>('GET', '/departments?includeInactive=true')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const body = { ...form, phone: form.phone || null, email: form.email || null, hours: form.hours || null };
    await attempt(
      () =>
        saving.run(async (send) => {
          if (editing) await send('PATCH', `/departments/${editing}`, body);
          else await send('POST', '/departments', body);
          setForm(EMPTY);
          setEditing(null);
          await load();
        }),
      setError,
    );
  };
  return (
    <section aria-labelledby="dir-h">
      <h2 id="dir-h">{t('adminDirectory.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('adminDirectory.col.name')}</th>
            <th scope="col">{t('adminDirectory.col.purpose')}</th>
            <th scope="col">{t('adminDirectory.col.phone')}</th>
            <th scope="col">{t('adminDirectory.col.hours')}</th>
            <th scope="col">{t('adminDirectory.col.active')}</th>
            {may && (
              <th scope="col">
                <span className="sr-only">{t('adminDirectory.col.edit')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id}>
              <td>
                <span data-i18n-skip>{d.name}</span>
                {d.external ? t('adminDirectory.outside') : ''}
              </td>
              <td data-i18n-skip>{d.purpose}</td>
              <td data-i18n-skip>{d.phone ?? '—'}</td>
              <td data-i18n-skip>{d.hours ?? '—'}</td>
              <td>
                <input
                  type="checkbox"
                  aria-label={t('adminDirectory.activeOf', { name: d.name })}
                  checked={d.active}
                  disabled={!may}
                  onChange={async (e) => {
                    await attempt(
                      () => api('PATCH', `/departments/${d.id}`, { active: e.target.checked }),
                      setError,
                    );
                    await load();
                  }}
                />
              </td>
              {may && (
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={t('adminDirectory.editOf', { name: d.name })}
                    onClick={() => {
                      setEditing(d.id);
                      setForm({
                        name: d.name,
                        purpose: d.purpose,
                        phone: d.phone ?? '',
                        email: d.email ?? '',
                        hours: d.hours ?? '',
                        external: d.external,
                      });
                    }}
                  >
                    {t('adminDirectory.edit')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {may && (
        <form onSubmit={create} className="row">
          <Field label={t('adminDirectory.name')} name="name" error={error}>
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label={t('adminDirectory.purpose')} name="purpose" error={error}>
            <input value={form.purpose} onChange={(e) => setForm({ ...form, purpose: e.target.value })} />
          </Field>
          <Field label={t('adminDirectory.phone')} name="phone" error={error}>
            <input value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} />
          </Field>
          <Field label={t('adminDirectory.email')} name="email" error={error}>
            <input value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          </Field>
          <Field label={t('adminDirectory.hours')} name="hours" error={error}>
            <input value={form.hours} onChange={(e) => setForm({ ...form, hours: e.target.value })} />
          </Field>
          <label className="check">
            <input
              type="checkbox"
              checked={form.external}
              onChange={(e) => setForm({ ...form, external: e.target.checked })}
            />{' '}
            {t('adminDirectory.outsideParty')}
          </label>
          <button type="submit" disabled={saving.busy} aria-busy={saving.busy}>
            {t(editing ? 'adminDirectory.save' : 'adminDirectory.add')}
          </button>
          {editing && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setEditing(null);
                setForm(EMPTY);
              }}
            >
              {t('adminDirectory.cancel')}
            </button>
          )}
        </form>
      )}
    </section>
  );
}
