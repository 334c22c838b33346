// The app: finds the session, draws the shell (top bar with the sections the role may open), and the page the
// address names. Unknown addresses get the shell's "not found" page.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, get, post } from './api.js';
import { AccountPage } from './AccountPage.js';
import { AdminPage } from './AdminPage.js';
import { SetPasswordPage } from './SetPasswordPage.js';
import { InboxPage } from './inbox/InboxPage.js';
import { navigate, useLocation } from './router.js';
import { currentUser, sectionsFor, setSession } from './session.js';
import { SignIn } from './SignIn.js';
import { AuditPage } from './pages/AuditPage.js';
import { ClientsPage } from './pages/ClientsPage.js';
import { MatterPage } from './pages/MatterPage.js';
import { NoticesPage } from './pages/NoticesPage.js';
import { SupervisionPage } from './pages/SupervisionPage.js';
import { TimePage } from './pages/TimePage.js';
import type { User } from './types.js';

type Loaded = { state: 'loading' } | { state: 'ready'; user: User | null } | { state: 'failed'; error: string };

export function App() {
  const { path } = useLocation();
  const [session, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    get<{ user: User; csrfToken: string }>('/api/auth/session').then(
      (found) => {
        setSession(found.user, found.csrfToken);
        if (live) setLoaded({ state: 'ready', user: found.user });
      },
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) setLoaded({ state: 'ready', user: null });
        else setLoaded({ state: 'failed', error: describeError(error) });
      },
    );
    // The session ended (expired, revoked, signed out elsewhere): back to the sign-in page, then here again.
    const ended = () => {
      if (!currentUser()) return;
      setSession(null);
      setLoaded({ state: 'ready', user: null });
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    };
    window.addEventListener('matterline:unauthenticated', ended);
    return () => {
      live = false;
      window.removeEventListener('matterline:unauthenticated', ended);
    };
  }, []);

  const user = session.state === 'ready' ? session.user : null;
  useEffect(() => {
    if (session.state !== 'ready') return;
    if (!user && path !== '/sign-in' && path !== '/set-password') navigate(`/sign-in?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    else if (user && path === '/sign-in') navigate('/', { replace: true });
  }, [session.state, user, path]);

  if (session.state === 'loading') return <Main><p class="loading">Loading…</p></Main>;
  if (session.state === 'failed') {
    return (
      <Main>
        <h1>Something went wrong</h1>
        <p role="alert">{session.error}</p>
      </Main>
    );
  }
  if (path === '/set-password') {
    // Opened from an invitation or reset link: no session needed (and a signed-in person may set a new one too).
    return (
      <Main>
        <SetPasswordPage />
      </Main>
    );
  }
  if (!user) {
    return (
      <Main>
        {path === '/sign-in' ? (
          <SignIn
            onSignedIn={(signedIn, token) => {
              setSession(signedIn, token);
              setLoaded({ state: 'ready', user: signedIn });
            }}
          />
        ) : null}
      </Main>
    );
  }
  return (
    <>
      <TopBar user={user} path={path} onSignedOut={() => setLoaded({ state: 'ready', user: null })} />
      <Main>
        <Page user={user} path={path} />
      </Main>
    </>
  );
}

function Main({ children }: { children: preact.ComponentChildren }) {
  return (
    <main id="main" tabindex={-1}>
      {children}
    </main>
  );
}

/** The page for an address, or "not found". */
function Page({ user, path }: { user: User; path: string }) {
  const conversation = /^\/(?:inbox|conversations)\/([\w-]+)$/.exec(path);
  if (conversation || path === '/' || path === '/inbox' || path === '/triage') {
    return <InboxPage user={user} conversationId={conversation?.[1] ?? null} triage={path === '/triage'} />;
  }
  if (path === '/time') return <TimePage user={user} />;
  if (path === '/account') return <AccountPage user={user} />;
  if (path === '/clients') return <ClientsPage user={user} />;
  if (path === '/audit') return <AuditPage />;
  if (path === '/notices') return <NoticesPage user={user} />;
  const matter = /^\/matters\/([\w-]+)$/.exec(path);
  if (matter?.[1]) return <MatterPage user={user} matterId={matter[1]} />;
  if (path === '/supervision') return <SupervisionPage user={user} />;
  const admin = /^\/admin(?:\/([\w-]+))?$/.exec(path);
  if (admin) return <AdminPage user={user} section={admin[1] ?? 'accounts'} />;
  if (path === '/sign-in') return <p class="loading">Loading…</p>;
  return <NotFound />;
}

export function NotFound() {
  useEffect(() => {
    document.title = 'Not found – Matterline';
  }, []);
  return (
    <div class="not-found-page">
      <h1>Page not found</h1>
      <p>There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <a href="/">Back to the inbox</a>
      </p>
    </div>
  );
}

function TopBar({ user, path, onSignedOut }: { user: User; path: string; onSignedOut: () => void }) {
  const signOut = async () => {
    try {
      await post('/api/auth/logout');
    } catch {
      // Signed out already, or the session had expired: either way the sign-in page comes next.
    }
    setSession(null);
    onSignedOut();
    navigate('/sign-in');
  };
  return (
    <header class="top-bar" id="top-bar">
      <a class="brand" href="/">
        Matterline
      </a>
      <nav aria-label="Sections" id="sections">
        <ul>
          {sectionsFor(user).map((section) => (
            <li key={section.href}>
              <a href={section.href} aria-current={section.matches(path) ? 'page' : undefined}>
                {section.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who" id="who">
        <a class="who-name" href="/account" aria-current={path === '/account' ? 'page' : undefined}>
          {user.name} ({user.role})
        </a>
        <button type="button" class="link-button" onClick={() => void signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
