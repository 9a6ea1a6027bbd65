import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ROLES } from '../../../shared/vocabulary.ts';
import { type ApiError, api } from '../../app/api.ts';
import type { UserDto } from '../../app/types.ts';
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
  const load = useCallback(
    async () => setUsers((await api<{ items: UserDto[] }>('GET', '/users')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await attempt(() => api('POST', '/users', { ...form, teamId: form.teamId || null }), setError);
    if (ok) {
      setForm({ username: '', displayName: '', role: 'officer', password: '', teamId: '' });
      await load();
    }
  };
  const patch = async (id: string, body: Record<string, unknown>) => {
    await attempt(() => api('PATCH', `/users/${id}`, body), setError);
    await load();
  };
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
            </tr>
          ))}
        </tbody>
      </table>
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
        <button type="submit">Add user</button>
      </form>
    </section>
  );
}
