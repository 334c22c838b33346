// Moving between the app's pages without a page load: links inside the app change the address with pushState, and
// the app draws the page the address names.
import { useEffect, useState } from 'preact/hooks';

const changed = 'matterline:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(changed));
}

/** The current address (path and query), redrawn on every move. */
export function useLocation(): { path: string; search: string } {
  const read = () => ({ path: location.pathname, search: location.search });
  const [where, setWhere] = useState(read);
  useEffect(() => {
    const update = () => setWhere(read());
    window.addEventListener('popstate', update);
    window.addEventListener(changed, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(changed, update);
    };
  }, []);
  return where;
}

/** Links inside the app: same origin, plain left click, no target: handled without a page load. */
export function interceptLinks(): void {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!(target instanceof HTMLAnchorElement) || target.target || target.hasAttribute('download') || target.origin !== location.origin) return;
    // Files from the API (attachments), separate pages and jumps within the page are the browser's own business.
    if (target.pathname.startsWith('/api/') || target.getAttribute('href')?.startsWith('#')) return;
    event.preventDefault();
    if (target.pathname + target.search !== location.pathname + location.search) navigate(target.pathname + target.search);
  });
}
