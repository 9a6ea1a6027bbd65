import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
import { term, useT } from '../../i18n/index.ts';
import { Field } from '../../ui/field.tsx';
import { ProblemText } from '../../ui/problem.tsx';
import { AuditTable, actionLabel, usePages } from './history.tsx';

/** Records the trail names most; any other type is typed as it is stored. */
const TYPES = [
  'case',
  'customer',
  'account',
  'contact',
  'user',
  'team',
  'department',
  'kb_article',
  'template',
];
const KNOWN_ACTIONS = [
  'customer.particulars_viewed',
  'customer.updated',
  'customer.created',
  'customer.verification_recorded',
  'account.updated',
  'case.created',
  'case.updated',
  'case.note_added',
];

interface Filters {
  entityType: string;
  entityId: string;
  actorId: string;
  action: string;
  from: string;
  to: string;
}

/** The filters a link may carry: `#/admin/audit?entityType=case&entityId=…`. */
function fromHash(): Filters {
  const q = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  return {
    entityType: q.get('entityType') ?? '',
    entityId: q.get('entityId') ?? '',
    actorId: q.get('actorId') ?? '',
    action: q.get('action') ?? '',
    from: '',
    to: '',
  };
}

/** datetime-local is the reader's local time; the API takes an instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : '');

function query(f: Filters): string {
  const q = new URLSearchParams();
  // Sent as given: a type without an id (or the reverse) is refused with the missing field named.
  if (f.entityType) q.set('entityType', f.entityType);
  if (f.entityId.trim()) q.set('entityId', f.entityId.trim());
  if (f.actorId) q.set('actorId', f.actorId);
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.from) q.set('from', instant(f.from));
  if (f.to) q.set('to', instant(f.to));
  const s = q.toString();
  return s ? `/audit?${s}` : '/audit';
}

/**
 * The audit trail for supervisors and administrators: who did what to which record and when, with
 * the change, filtered by record, person, action and time; 50 a page, newest first.
 */
export function AuditScreen() {
  const t = useT();
  const [form, setForm] = useState<Filters>(fromHash);
  const [url, setUrl] = useState(() => query(fromHash()));
  const [users, setUsers] = useState<UserDto[]>([]);
  const { items, next, loading, error, more } = usePages(url);
  useEffect(() => {
    void api<{ items: UserDto[] }>('GET', '/users').then((r) => setUsers(r.items));
  }, []);
  const set = (k: keyof Filters) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setUrl(query(form));
  };
  const clear = () => {
    const empty = { entityType: '', entityId: '', actorId: '', action: '', from: '', to: '' };
    setForm(empty);
    setUrl(query(empty));
  };
  return (
    <div className="admin">
      <p>
        <a href="#/admin">{t('audit.administration')}</a>
      </p>
      <h1>{t('audit.title')}</h1>
      <section aria-labelledby="audit-filters-h">
        <h2 id="audit-filters-h">{t('audit.filters')}</h2>
        <form className="audit-filters" aria-label={t('audit.filtersForm')} onSubmit={apply}>
          <Field label={t('audit.recordType')} name="entityType" error={error}>
            <select value={form.entityType} onChange={set('entityType')}>
              <option value="">{t('audit.any')}</option>
              {TYPES.map((x) => (
                <option key={x} value={x}>
                  {term('entityType', x)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('audit.recordId')} name="entityId" error={error}>
            <input value={form.entityId} onChange={set('entityId')} size={38} spellCheck={false} />
          </Field>
          <Field label={t('audit.who')} name="actorId" error={error}>
            <select value={form.actorId} onChange={set('actorId')}>
              <option value="">{t('audit.anyone')}</option>
              <option value="system">{t('audit.system')}</option>
              {users.map((u) => (
                <option key={u.id} value={u.id} data-i18n-skip>
                  {u.displayName}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('audit.action')} name="action" error={error}>
            <input value={form.action} onChange={set('action')} list="audit-actions" spellCheck={false} />
          </Field>
          <datalist id="audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </datalist>
          <Field label={t('audit.from')} name="from" error={error}>
            <input type="datetime-local" value={form.from} onChange={set('from')} />
          </Field>
          <Field label={t('audit.until')} name="to" error={error}>
            <input type="datetime-local" value={form.to} onChange={set('to')} />
          </Field>
          <button type="submit">{t('audit.show')}</button>
          <button type="button" className="link" onClick={clear}>
            {t('audit.clear')}
          </button>
        </form>
      </section>
      <section aria-labelledby="audit-results-h">
        <h2 id="audit-results-h">{t('audit.entries')}</h2>
        {error && !error.problem.errors?.length && (
          <p className="error" role="alert">
            <ProblemText error={error} />
          </p>
        )}
        {!items.length && !loading && !error && <p className="muted">{t('audit.nothing')}</p>}
        {items.length > 0 && <AuditTable items={items} caption={t('audit.caption')} showRecord />}
        <p aria-live="polite" className="muted">
          {loading ? t('audit.loading') : items.length ? t('audit.shown', { n: items.length }) : ''}
        </p>
        {next && (
          <button type="button" onClick={more} disabled={loading}>
            {t('audit.older')}
          </button>
        )}
      </section>
    </div>
  );
}
