import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { StandardPhrasesDto } from '../../../shared/contracts/contacts.ts';
import { can, type Permission } from '../../../shared/permissions.ts';
import { PARTICULARS } from '../../../shared/vocabulary.ts';
import { type ApiError, api } from '../../app/api.ts';
import { useSession } from '../../app/session.tsx';
import type { CategoryDto, VerificationPolicyDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';
import { FieldsWords, ProblemText } from '../../ui/problem.tsx';

type Team = { id: string; name: string; departmentId: string | null };

/**
 * Whether the signed-in role holds a permission. The page is shown only to roles that hold them all
 * today; each form still asks, so widening the page never shows a form the server would refuse.
 */
const useCan = (p: Permission) => can(useSession().user?.role ?? '', p);

export function TeamsAdmin({ teams, reload }: { teams: Team[]; reload(): Promise<void> }) {
  const t = useT();
  const may = useCan('teams.manage');
  const [name, setName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const adding = useSubmit();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    await attempt(
      () =>
        adding.run(async (send) => {
          await send('POST', '/teams', { name });
          setName('');
          await reload();
        }),
      setError,
    );
  };
  return (
    <section aria-labelledby="teams-h">
      <h2 id="teams-h">{t('adminReference.teams')}</h2>
      <ul>
        {teams.map((x) => (
          <li key={x.id} data-i18n-skip>
            {x.name}
          </li>
        ))}
      </ul>
      {may && (
        <form onSubmit={create} className="row">
          <Field label={t('adminReference.teamName')} name="name" error={error}>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <button type="submit" disabled={adding.busy} aria-busy={adding.busy}>
            {t('adminReference.addTeam')}
          </button>
        </form>
      )}
    </section>
  );
}

export function CategoriesAdmin() {
  const t = useT();
  const may = useCan('categories.manage');
  const [items, setItems] = useState<CategoryDto[]>([]);
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const adding = useSubmit();
  const load = useCallback(
    async () =>
      setItems((await api<{ items: CategoryDto[] }>('GET', '/case-categories?includeInactive=true')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    await attempt(
      () =>
        adding.run(async (send) => {
          await send('POST', '/case-categories', { name, parentId: parentId || null });
          setName('');
          await load();
        }),
      setError,
    );
  };
  return (
    <section aria-labelledby="cat-h">
      <h2 id="cat-h">{t('adminReference.categories')}</h2>
      <ul>
        {items.map((c) => (
          <li key={c.id}>
            <label className="check">
              <input
                type="checkbox"
                checked={c.active}
                disabled={!may}
                onChange={async (e) => {
                  await attempt(
                    () => api('PATCH', `/case-categories/${c.id}`, { active: e.target.checked }),
                    setError,
                  );
                  await load();
                }}
              />
              <span data-i18n-skip>{c.path}</span>
              {c.active ? '' : t('adminReference.inactive')}
            </label>
          </li>
        ))}
      </ul>
      {may && (
        <form onSubmit={create} className="row">
          <Field label={t('adminReference.categoryName')} name="name" error={error}>
            <input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('adminReference.under')} name="parentId" error={error}>
            <select value={parentId} onChange={(e) => setParentId(e.target.value)}>
              <option value="">{t('adminReference.topLevel')}</option>
              {items.map((c) => (
                <option key={c.id} value={c.id} data-i18n-skip>
                  {c.path}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={adding.busy} aria-busy={adding.busy}>
            {t('adminReference.addCategory')}
          </button>
        </form>
      )}
    </section>
  );
}

export function PolicyAdmin() {
  const t = useT();
  const may = useCan('settings.manage');
  const [policy, setPolicy] = useState<VerificationPolicyDto | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void api<VerificationPolicyDto>('GET', '/settings/verification-policy').then(setPolicy);
  }, []);
  if (!policy) return null;
  const toggle = (
    list: 'required' | 'anyOf' | 'siteSignIn',
    p: (typeof PARTICULARS)[number],
    on: boolean,
  ) => {
    const was = policy[list] ?? [];
    setPolicy({ ...policy, [list]: on ? [...was, p] : was.filter((x) => x !== p) });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(await attempt(() => api('PUT', '/settings/verification-policy', policy), setError));
  };
  return (
    <section aria-labelledby="pol-h">
      <h2 id="pol-h">{t('adminReference.policy')}</h2>
      <form onSubmit={save} inert={!may}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('adminReference.col.particular')}</th>
              <th scope="col">{t('adminReference.col.required')}</th>
              <th scope="col">{t('adminReference.col.oneOf')}</th>
              <th scope="col" title={t('adminReference.siteSignInHelp')}>
                {t('adminReference.col.siteSignIn')}
              </th>
            </tr>
          </thead>
          <tbody>
            {PARTICULARS.map((p) => (
              <tr key={p}>
                <td>{term('particular', p)}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('adminReference.requiredOf', { particular: p })}
                    checked={policy.required.includes(p)}
                    onChange={(e) => toggle('required', p, e.target.checked)}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('adminReference.oneOfOf', { particular: p })}
                    checked={policy.anyOf.includes(p)}
                    onChange={(e) => toggle('anyOf', p, e.target.checked)}
                  />
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('adminReference.siteSignInOf', { particular: p })}
                    checked={policy.siteSignIn?.includes(p) ?? false}
                    onChange={(e) => toggle('siteSignIn', p, e.target.checked)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Field label={t('adminReference.howMany')} name="anyOfCount" error={error}>
          <input
            type="number"
            min={0}
            max={8}
            value={policy.anyOfCount}
            onChange={(e) => setPolicy({ ...policy, anyOfCount: Number(e.target.value) })}
          />
        </Field>
        {error && !error.fieldMessage('anyOfCount') && (
          <p className="error" role="alert">
            {error.problem.errors ? (
              <FieldsWords errors={error.problem.errors} />
            ) : (
              <ProblemText error={error} />
            )}
          </p>
        )}
        {may && <button type="submit">{t('adminReference.savePolicy')}</button>}
        {saved && <span role="status">{t('adminReference.saved')}</span>}
      </form>
    </section>
  );
}

export function PhrasesAdmin() {
  const t = useT();
  const may = useCan('settings.manage');
  const [phrases, setPhrases] = useState<Required<StandardPhrasesDto> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    void api<Required<StandardPhrasesDto>>('GET', '/settings/phrases').then(setPhrases);
  }, []);
  if (!phrases) return null;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(await attempt(() => api('PUT', '/settings/phrases', phrases), setError));
  };
  return (
    <section aria-labelledby="phr-h">
      <h2 id="phr-h">{t('adminReference.phrases')}</h2>
      <form onSubmit={save} inert={!may}>
        <Field
          label={t('adminReference.greeting', { variable: '{{officer.name}}' })}
          name="greeting"
          error={error}
        >
          <input
            value={phrases.greeting}
            onChange={(e) => setPhrases({ ...phrases, greeting: e.target.value })}
          />
        </Field>
        <Field label={t('adminReference.closing')} name="closing" error={error}>
          <input
            value={phrases.closing}
            onChange={(e) => setPhrases({ ...phrases, closing: e.target.value })}
          />
        </Field>
        <Field
          label={t('adminReference.writtenGreeting', { variable: '{{officer.name}}' })}
          name="writtenGreeting"
          error={error}
        >
          <input
            value={phrases.writtenGreeting}
            onChange={(e) => setPhrases({ ...phrases, writtenGreeting: e.target.value })}
          />
        </Field>
        <Field label={t('adminReference.writtenClosing')} name="writtenClosing" error={error}>
          <input
            value={phrases.writtenClosing}
            onChange={(e) => setPhrases({ ...phrases, writtenClosing: e.target.value })}
          />
        </Field>
        {may && <button type="submit">{t('adminReference.savePhrases')}</button>}
        {saved && <span role="status">{t('adminReference.saved')}</span>}
      </form>
    </section>
  );
}
