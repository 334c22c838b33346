// The inbox's entry point: finds the session, draws the top bar, and routes the address to a page. Links inside the
// app change the address with history.pushState; each page is a function that draws into <main>.
import { ApiError, describeError, get, post } from './api.js';
import { byId, h, replace } from './dom.js';
import { showAdmin } from './admin.js';
import { showInbox } from './inbox.js';
import { leavePage, navigate } from './nav.js';
import { canTriage, currentUser, setSession } from './session.js';
import { showSignIn } from './sign-in.js';

function drawTopBar() {
  const bar = byId('top-bar');
  const user = currentUser();
  if (!user) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  const path = location.pathname;
  const link = (/** @type {string} */ href, /** @type {string} */ label, /** @type {boolean} */ current) =>
    h('a', { href, 'aria-current': current ? 'page' : undefined }, label);
  replace(
    byId('sections'),
    h(
      'ul',
      null,
      h('li', null, link('/', 'Inbox', path === '/' || path.startsWith('/conversations/'))),
      canTriage(user) ? h('li', null, link('/triage', 'Triage', path === '/triage')) : null,
      user.role === 'admin' ? h('li', null, link('/admin', 'Admin', path.startsWith('/admin'))) : null,
    ),
  );
  replace(
    byId('who'),
    h('span', { class: 'who-name' }, `${user.name} (${user.role})`),
    h('button', { type: 'button', class: 'link-button', onclick: signOut }, 'Sign out'),
  );
}

async function signOut() {
  try {
    await post('/api/auth/logout');
  } catch {
    // Signed out already, or the session had expired: either way the sign-in page comes next.
  }
  setSession(null);
  navigate('/sign-in');
}

async function loadSession() {
  try {
    const session = await get('/api/auth/session');
    setSession(session.user, session.csrfToken);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) setSession(null);
    else throw error;
  }
}

let routing = 0;
async function route() {
  const ticket = ++routing;
  leavePage();
  const main = byId('main');
  const path = location.pathname;
  try {
    if (!currentUser()) await loadSession();
    if (ticket !== routing) return;
    const user = currentUser();
    drawTopBar();
    if (!user) {
      if (path !== '/sign-in') history.replaceState(null, '', `/sign-in?next=${encodeURIComponent(path + location.search)}`);
      showSignIn(main);
      return;
    }
    if (path === '/sign-in') {
      navigate('/', { replace: true });
      return;
    }
    if (path.startsWith('/admin')) {
      showAdmin(main, user, path.split('/')[2] || 'accounts');
      return;
    }
    const conversation = /^\/conversations\/([\w-]+)$/.exec(path);
    if (conversation || path === '/' || path === '/triage') {
      showInbox(main, user, { conversationId: conversation?.[1] ?? null, triage: path === '/triage' });
      return;
    }
    document.title = 'Not found – Matterline';
    replace(main, h('h1', null, 'Page not found'), h('p', null, h('a', { href: '/' }, 'Back to the inbox')));
  } catch (error) {
    replace(main, h('h1', null, 'Something went wrong'), h('p', { role: 'alert' }, describeError(error)));
  }
}

// Links inside the app: same origin, plain left click, no target: handled without a page load.
document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(target instanceof HTMLAnchorElement) || target.target || target.origin !== location.origin) return;
  // Files from the API (attachments) and jumps within the page (#matter-pane) are the browser's own business.
  if (target.pathname.startsWith('/api/') || target.getAttribute('href')?.startsWith('#')) return;
  event.preventDefault();
  if (target.pathname + target.search !== location.pathname + location.search) navigate(target.pathname + target.search);
});
window.addEventListener('popstate', () => void route());
window.addEventListener('matterline:navigate', () => void route());
window.addEventListener('matterline:unauthenticated', () => {
  if (!currentUser()) return;
  setSession(null);
  navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
});
void route();
