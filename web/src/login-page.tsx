// Sign-in form; shows the demo accounts while they are the ones in use.
import { useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { useI18n } from './i18n.ts';

export function LoginPage(props: { demo: boolean; onSignedIn(): Promise<unknown> }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('/ui/login', { method: 'POST', body: { username, password } });
      await props.onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 429 ? t('login.throttled') : err instanceof ApiError && err.status === 401 ? t('login.bad') : String((err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <form class="card" onSubmit={submit} data-testid="login-form">
        <h1>{t('login.title')}</h1>
        <label>
          {t('login.username')}
          <input name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        {error && (
          <p class="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy} data-testid="login-submit">
          {t('login.submit')}
        </button>
        {props.demo && (
          <div class="demo" data-testid="demo-accounts">
            <strong>{t('login.demo')}</strong> <span class="muted">({t('login.demoNote')})</span>
            <table>
              <tbody>
                <tr><td>{t('role.admin')}</td><td><code>admin</code> / <code>admin</code></td></tr>
                <tr><td>{t('role.supervisor')}</td><td><code>supervisor</code> / <code>supervisor</code></td></tr>
                <tr><td>{t('role.agent')}</td><td><code>agent1</code> / <code>agent1</code> · <code>agent2</code> · <code>agent3</code></td></tr>
              </tbody>
            </table>
          </div>
        )}
      </form>
    </div>
  );
}
