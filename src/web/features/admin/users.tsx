import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ROLES } from '../../../shared/vocabulary.ts';
import { type ApiError, api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';
import { clock } from '../../ui/format.ts';

export function UsersAdmin({ teams }: { teams: { id: string; name: string }[] }) {
  const t = useT();
  const [users, setUsers] = useState<UserDto[]>([]);
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    role: 'officer',
    password: '',
    teamId: '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [resetting, setResetting] = useState<UserDto | null>(null);
  const adding = useSubmit();
  const load = useCallback(
    async () => setUsers((await api<{ items: UserDto[] }>('GET', '/users')).items),
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
          await send('POST', '/users', { ...form, teamId: form.teamId || null });
          setForm({ username: '', displayName: '', role: 'officer', password: '', teamId: '' });
          await load();
        }),
      setError,
    );
  };
  const patch = async (id: string, body: Record<string, unknown>) => {
    await attempt(() => api('PATCH', `/users/${id}`, body), setError);
    await load();
  };
  const [notice, setNotice] = useState('');
  const unlock = async (u: UserDto) => {
    setNotice('');
    if (await attempt(() => api('POST', `/users/${u.id}/unlock`), setError)) {
      setNotice(t('adminUsers.canSignIn', { name: u.displayName }));
      await load();
    }
  };
  // Checked against the browser's clock: a lock that has run out is stored until the next sign-in.
  const lockedUntil = (u: UserDto): Date | null =>
    u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? new Date(u.lockedUntil) : null;
  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">{t('adminUsers.title')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('adminUsers.col.name')}</th>
            <th scope="col">{t('adminUsers.col.username')}</th>
            <th scope="col">{t('adminUsers.col.role')}</th>
            <th scope="col">{t('adminUsers.col.active')}</th>
            <th scope="col">{t('adminUsers.col.signIn')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td data-i18n-skip>{u.displayName}</td>
              <td data-i18n-skip>{u.username}</td>
              <td>
                <select
                  aria-label={t('adminUsers.roleOf', { name: u.displayName })}
                  value={u.role}
                  onChange={(e) => void patch(u.id, { role: e.target.value })}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {term('role', r)}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={t('adminUsers.activeOf', { name: u.displayName })}
                  checked={u.active}
                  onChange={(e) => void patch(u.id, { active: e.target.checked })}
                />
              </td>
              <td>
                <SignInCell
                  user={u}
                  lockedUntil={lockedUntil(u)}
                  onUnlock={() => void unlock(u)}
                  onReset={() => {
                    setNotice('');
                    setResetting(u);
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {notice && <p role="status">{notice}</p>}
      {resetting && (
        <PasswordResetForm
          user={resetting}
          onDone={async (message) => {
            setResetting(null);
            if (message) setNotice(message);
            await load();
          }}
        />
      )}
      <form onSubmit={create} className="row">
        <Field label={t('adminUsers.username')} name="username" error={error}>
          <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </Field>
        <Field label={t('adminUsers.fullName')} name="displayName" error={error}>
          <input
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </Field>
        <Field label={t('adminUsers.role')} name="role" error={error}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {term('role', r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('adminUsers.team')} name="teamId" error={error}>
          <select value={form.teamId} onChange={(e) => setForm({ ...form, teamId: e.target.value })}>
            <option value="">—</option>
            {teams.map((x) => (
              <option key={x.id} value={x.id} data-i18n-skip>
                {x.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('adminUsers.initialPassword')} name="password" error={error}>
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <button type="submit" disabled={adding.busy} aria-busy={adding.busy}>
          {t('adminUsers.add')}
        </button>
      </form>
    </section>
  );
}

/** Locked or not, and the administrator's two ways back in: lift the lock, or set a new password. */
function SignInCell({
  user,
  lockedUntil,
  onUnlock,
  onReset,
}: {
  user: UserDto;
  lockedUntil: Date | null;
  onUnlock: () => void;
  onReset: () => void;
}) {
  const t = useT();
  return (
    <span className="row">
      {lockedUntil ? (
        <>
          <span className="error">
            {t('adminUsers.lockedUntil', { time: clock(lockedUntil.toISOString()) })}
          </span>
          <button
            type="button"
            aria-label={t('adminUsers.unlockOf', { name: user.displayName })}
            onClick={onUnlock}
          >
            {t('adminUsers.unlock')}
          </button>
        </>
      ) : (
        <span>{t('adminUsers.open')}</span>
      )}
      <button
        type="button"
        aria-label={t('adminUsers.resetOf', { name: user.displayName })}
        onClick={onReset}
      >
        {t('adminUsers.reset')}
      </button>
    </span>
  );
}

/** A new password for someone else: the server's rule decides, and its reason shows under the field. */
function PasswordResetForm({
  user,
  onDone,
}: {
  user: UserDto;
  onDone: (message: string | null) => Promise<void>;
}) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const { busy, run } = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await attempt(
      () =>
        run(async (send) => {
          await send('POST', `/users/${user.id}/password`, { password });
          await onDone(t('adminUsers.newPasswordSet', { name: user.displayName }));
        }),
      setError,
    );
  };
  return (
    <form onSubmit={submit} className="row" aria-label={t('adminUsers.resetFor', { name: user.displayName })}>
      <Field label={t('adminUsers.newPasswordFor', { name: user.displayName })} name="password" error={error}>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <button type="submit" disabled={busy} aria-busy={busy}>
        {t('adminUsers.setPassword')}
      </button>
      <button type="button" onClick={() => void onDone(null)}>
        {t('adminUsers.cancel')}
      </button>
      <small>{t('adminUsers.rule')}</small>
    </form>
  );
}
