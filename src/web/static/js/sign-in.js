// Signing in: email and password, then the authenticator code when the API says mfaRequired.
import { ApiError, describeError, post, setCsrfToken } from './api.js';
import { h, replace } from './dom.js';
import { navigate } from './nav.js';
import { setSession } from './session.js';

/** Where to go after signing in: only a path of this app, never another site. */
function nextPath() {
  const next = new URLSearchParams(location.search).get('next') ?? '/';
  return /^\/(?!\/)[\w\-/]*$/.test(next) && next !== '/sign-in' ? next : '/';
}

/** @param {HTMLElement} main */
export function showSignIn(main) {
  document.title = 'Sign in – Matterline';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'sign-in-error' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true, 'aria-describedby': 'sign-in-error' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title', novalidate: true },
    h('h1', { id: 'sign-in-title' }, 'Sign in to Matterline'),
    h('div', { class: 'field' }, h('label', { for: 'email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    error,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    button.setAttribute('disabled', '');
    try {
      const result = await post('/api/auth/login', {
        email: /** @type {HTMLInputElement} */ (email).value,
        password: /** @type {HTMLInputElement} */ (password).value,
      });
      if (result.mfaRequired) {
        setCsrfToken(result.csrfToken);
        showCodeStep(main);
        return;
      }
      setSession(result.user, result.csrfToken);
      navigate(nextPath(), { replace: true });
    } catch (caught) {
      error.textContent =
        caught instanceof ApiError && caught.status === 401 ? 'The email or password is not right.' : describeError(caught);
      button.removeAttribute('disabled');
      /** @type {HTMLInputElement} */ (password).select();
    }
  });
  replace(main, h('div', { class: 'centered' }, form));
  email.focus();
}

/** @param {HTMLElement} main */
function showCodeStep(main) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const code = h('input', {
    id: 'totp-code',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: '6',
    required: true,
    'aria-describedby': 'totp-help',
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Verify');
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'totp-title', novalidate: true },
    h('h1', { id: 'totp-title' }, 'Two-step verification'),
    h('div', { class: 'field' }, h('label', { for: 'totp-code' }, 'Authenticator code'), code),
    h('p', { id: 'totp-help', class: 'hint' }, 'Enter the 6-digit code from your authenticator app.'),
    error,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    button.setAttribute('disabled', '');
    try {
      const result = await post('/api/auth/totp/verify', { code: /** @type {HTMLInputElement} */ (code).value.trim() });
      setSession(result.user, result.csrfToken);
      navigate(nextPath(), { replace: true });
    } catch (caught) {
      error.textContent = describeError(caught);
      button.removeAttribute('disabled');
      /** @type {HTMLInputElement} */ (code).select();
    }
  });
  const restart = h('button', { type: 'button', class: 'link-button', onclick: () => showSignIn(main) }, 'Start again with the password');
  form.append(restart);
  replace(main, h('div', { class: 'centered' }, form));
  code.focus();
}
