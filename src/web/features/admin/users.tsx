import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ROLES } from '../../../shared/vocabulary.ts';
import { type ApiError, api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt, Field } from '../../ui/field.tsx';

export function UsersAdmin({ teams }: { teams: { id: string; name: string }[] }) {
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
      setNotice(`${u.displayName} can sign in again.`);
      await load();
    }
  };
  // Checked against the browser's clock: a lock that has run out is stored until the next sign-in.
  const lockedUntil = (u: UserDto): Date | null =>
    u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? new Date(u.lockedUntil) : null;
  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">Users and roles</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Active</th>
            <th scope="col">Sign-in</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>{u.displayName}</td>
              <td>{u.username}</td>
              <td>
                <select
                  aria-label={`Role of ${u.displayName}`}
                  value={u.role}
                  onChange={(e) => void patch(u.id, { role: e.target.value })}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r.replaceAll('_', ' ')}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${u.displayName} active`}
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
        <Field label="Username" name="username" error={error}>
          <input value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </Field>
        <Field label="Full name" name="displayName" error={error}>
          <input
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </Field>
        <Field label="Role" name="role" error={error}>
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Team" name="teamId" error={error}>
          <select value={form.teamId} onChange={(e) => setForm({ ...form, teamId: e.target.value })}>
            <option value="">—</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Initial password" name="password" error={error}>
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <button type="submit" disabled={adding.busy} aria-busy={adding.busy}>
          Add user
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
  return (
    <span className="row">
      {lockedUntil ? (
        <>
          <span className="error">
            Locked until {lockedUntil.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
          </span>
          <button type="button" aria-label={`Unlock ${user.displayName}`} onClick={onUnlock}>
            Unlock
          </button>
        </>
      ) : (
        <span>Open</span>
      )}
      <button type="button" aria-label={`Reset password of ${user.displayName}`} onClick={onReset}>
        Reset password
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
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const { busy, run } = useSubmit();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await attempt(
      () =>
        run(async (send) => {
          await send('POST', `/users/${user.id}/password`, { password });
          await onDone(`New password set for ${user.displayName}; their sessions have ended.`);
        }),
      setError,
    );
  };
  return (
    <form onSubmit={submit} className="row" aria-label={`Password reset for ${user.displayName}`}>
      <Field label={`New password for ${user.displayName}`} name="password" error={error}>
        <input
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <button type="submit" disabled={busy} aria-busy={busy}>
        Set password
      </button>
      <button type="button" onClick={() => void onDone(null)}>
        Cancel
      </button>
      <small>At least 12 characters; not a common password, nor one made of the person's names.</small>
    </form>
  );
}
