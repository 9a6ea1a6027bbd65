import { type FormEvent, useState } from 'react';
import { ApiError } from '../../app/api.ts';
import { useSession } from '../../app/session.tsx';
import { useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';

export function LoginPage() {
  const { login } = useSession();
  const t = useT();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
    } catch (err) {
      // The title in the reader's words, then the server's detail (a lock says for how long).
      setError(err instanceof ApiError ? err : t('login.unreachable'));
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
        {error ? (
          <p role="alert" className="error">
            <ProblemText error={error} />
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {t('login.signIn')}
        </button>
      </form>
    </main>
  );
}
