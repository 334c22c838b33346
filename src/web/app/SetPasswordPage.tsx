// Opening an invitation or password-reset link: set a password (twice, at least 12 characters), then sign in. The
// token comes in the link's fragment (#token=…), which the browser never sends to a server or a Referer; it is taken
// out of the address as soon as it is read.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, post } from './api.js';

function takeToken(): string {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  if (location.hash) history.replaceState(null, '', location.pathname);
  return token;
}

export function SetPasswordPage() {
  const [token] = useState(takeToken);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Set your password – Matterline';
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    if (password.length < 12) return setError('The password needs at least 12 characters.');
    if (password !== again) return setError('The two passwords are not the same.');
    setBusy(true);
    try {
      await post('/api/auth/password-reset', { token, password });
      setDone(true);
    } catch (caught) {
      setError(
        caught instanceof ApiError && (caught.status === 400 || caught.status === 401 || caught.status === 404)
          ? `${describeError(caught)}. The link may have been used already or have expired: ask the firm's admin for a new one.`
          : describeError(caught),
      );
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <div class="centered">
        <div class="card sign-in">
          <h1>Set your password</h1>
          <p role="alert">This page needs the link the firm's admin gave you (it ends with #token=…). Ask them for a new one.</p>
          <p>
            <a href="/sign-in">Sign in</a>
          </p>
        </div>
      </div>
    );
  }
  if (done) {
    return (
      <div class="centered">
        <div class="card sign-in">
          <h1>Password set</h1>
          <p role="status">Your password is set. Sign in with your email and the new password.</p>
          <p>
            <a href="/sign-in" class="button primary">
              Sign in
            </a>
          </p>
          <p class="hint">Once signed in, you can turn on two-step verification under Your account.</p>
        </div>
      </div>
    );
  }
  return (
    <div class="centered">
      <form class="card sign-in" aria-labelledby="set-password-title" novalidate onSubmit={(e) => void submit(e)}>
        <h1 id="set-password-title">Set your password</h1>
        <p class="hint" id="password-rule">
          At least 12 characters. A few unrelated words make a good one.
        </p>
        <div class="field">
          <label for="new-password">New password</label>
          <input id="new-password" type="password" autocomplete="new-password" required minLength={12} aria-describedby="password-rule" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="new-password-again">The same password again</label>
          <input id="new-password-again" type="password" autocomplete="new-password" required value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
        </div>
        <p class="form-error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          Set password
        </button>
      </form>
    </div>
  );
}
