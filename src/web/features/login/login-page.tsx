import { type FormEvent, useState } from 'react';
import { ApiError } from '../../app/api.ts';
import { useSession } from '../../app/session.tsx';
import { useT } from '../../i18n/index.ts';

export function LoginPage() {
  const { login } = useSession();
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      // The detail, where there is one, says more than the title (a lock says for how long).
      setError(err instanceof ApiError ? (err.problem.detail ?? err.problem.title) : t('login.unreachable'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          // The server's problem detail is not in the catalogue (yet): the server speaks English.
          <p role="alert" className="error" data-i18n-skip>
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('login.signIn')}
        </button>
      </form>
    </main>
  );
}
