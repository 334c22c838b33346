// Signing in: email and password, then the authenticator code when the account has TOTP on.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, describeError, post, setCsrfToken } from './api.js';
import { navigate } from './router.js';
import type { User } from './types.js';

/** Where to go after signing in: only a path of this app, never another site. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next') ?? '/';
  return /^\/(?!\/)[\w\-/]*$/.test(next) && next !== '/sign-in' ? next : '/';
}

type LoginAnswer = { user: User; csrfToken: string; mfaRequired?: false } | { mfaRequired: true; csrfToken: string };

export function SignIn({ onSignedIn }: { onSignedIn: (user: User, csrfToken: string) => void }) {
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const second = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in – Matterline';
    first.current?.focus();
  }, [step]);

  const done = (user: User, token: string) => {
    onSignedIn(user, token);
    navigate(nextPath(), { replace: true });
  };

  const submitPassword = async (event: Event) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const result = await post<LoginAnswer>('/api/auth/login', { email: first.current?.value ?? '', password: second.current?.value ?? '' });
      if (result.mfaRequired) {
        setCsrfToken(result.csrfToken);
        setStep('code');
      } else {
        done(result.user, result.csrfToken);
      }
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? 'The email or password is not right.' : describeError(caught));
      second.current?.select();
    } finally {
      setBusy(false);
    }
  };

  const submitCode = async (event: Event) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const result = await post<{ user: User; csrfToken: string }>('/api/auth/totp/verify', { code: first.current?.value.trim() ?? '' });
      done(result.user, result.csrfToken);
    } catch (caught) {
      setError(describeError(caught));
      first.current?.select();
    } finally {
      setBusy(false);
    }
  };

  if (step === 'code') {
    return (
      <div class="centered">
        <form class="card sign-in" aria-labelledby="totp-title" novalidate onSubmit={(e) => void submitCode(e)}>
          <h1 id="totp-title">Two-step verification</h1>
          <div class="field">
            <label for="totp-code">Authenticator code</label>
            <input
              ref={first}
              id="totp-code"
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              aria-describedby="totp-help"
            />
          </div>
          <p id="totp-help" class="hint">
            Enter the 6-digit code from your authenticator app.
          </p>
          <p class="form-error" role="alert">
            {error}
          </p>
          <button type="submit" class="primary" disabled={busy}>
            Verify
          </button>
        </form>
      </div>
    );
  }
  return (
    <div class="centered">
      <form class="card sign-in" aria-labelledby="sign-in-title" novalidate onSubmit={(e) => void submitPassword(e)}>
        <h1 id="sign-in-title">Sign in to Matterline</h1>
        <div class="field">
          <label for="email">Email</label>
          <input ref={first} id="email" name="email" type="email" autocomplete="username" required aria-describedby="sign-in-error" />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input ref={second} id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <p class="form-error" role="alert" id="sign-in-error">
          {error}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </div>
  );
}
