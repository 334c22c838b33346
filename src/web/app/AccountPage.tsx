// The signed-in person's own page: who they are, and two-step verification (TOTP) on and off. Turning it on shows a
// QR code for an authenticator app and asks for a first code; turning it off asks for a current code.
import { useEffect, useState } from 'preact/hooks';
import { announce } from './announce.js';
import { describeError, get, post } from './api.js';
import type { User } from './types.js';

export function AccountPage({ user }: { user: User }) {
  const [state, setState] = useState<{ enabled: boolean; pending: boolean } | null>(null);
  const [secret, setSecret] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [qrVersion, setQrVersion] = useState(0);
  const load = async () => setState(await get<{ enabled: boolean; pending: boolean }>('/api/auth/totp'));
  useEffect(() => {
    document.title = 'Your account – Matterline';
    load().catch((caught: unknown) => setError(describeError(caught)));
  }, []);

  const run = async (action: () => Promise<void>) => {
    setError('');
    try {
      await action();
      setCode('');
      await load();
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  const start = () =>
    run(async () => {
      const setup = await post<{ secret: string }>('/api/auth/totp/setup', {});
      setSecret(setup.secret);
      setQrVersion((v) => v + 1);
    });
  const enable = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await post('/api/auth/totp/enable', { code: code.trim() });
      setSecret('');
      announce('Two-step verification is on.');
    });
  };
  const disable = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await post('/api/auth/totp/disable', { code: code.trim() });
      announce('Two-step verification is off.');
    });
  };

  const codeField = (
    <>
      <label for="account-code">Code from the authenticator app</label>
      <input id="account-code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
    </>
  );
  return (
    <div class="account-page">
      <h1>Your account</h1>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{user.name}</dd>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
      </dl>
      <section class="card" aria-labelledby="totp-title">
        <h2 id="totp-title">Two-step verification</h2>
        {state === null ? (
          <p>Loading…</p>
        ) : state.enabled ? (
          <form onSubmit={disable}>
            <p role="status">On: signing in asks for a code from your authenticator app.</p>
            {codeField}
            <button type="submit" class="danger">
              Turn off two-step verification
            </button>
          </form>
        ) : state.pending ? (
          <form onSubmit={enable}>
            <p>Scan this code with an authenticator app, then type the 6-digit code it shows.</p>
            <img class="totp-qr" src={`/api/auth/totp/qr.svg?v=${qrVersion}`} alt="QR code for your authenticator app" width={200} height={200} />
            {secret ? <p class="hint">Or type this key into the app: <code class="token">{secret}</code></p> : null}
            {codeField}
            <button type="submit" class="primary">
              Turn on
            </button>{' '}
            <button type="button" class="secondary" onClick={() => void start()}>
              Start again with a new code
            </button>
          </form>
        ) : (
          <>
            <p role="status">Off: signing in asks only for your password.</p>
            <button type="button" class="primary" onClick={() => void start()}>
              Set up two-step verification
            </button>
          </>
        )}
        <p class="form-error" role="alert">
          {error}
        </p>
      </section>
    </div>
  );
}
