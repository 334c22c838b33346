// Moving between the inbox's pages without a page load; app.js listens for the change and draws the page.

/** @type {(() => void) | null} */
let leave = null;

/** Registers the current page's clean-up (close the event stream, timers) for when another page takes over. @param {() => void} fn */
export function onLeave(fn) {
  leave = fn;
}

/** Runs and forgets the current page's clean-up. */
export function leavePage() {
  const fn = leave;
  leave = null;
  fn?.();
}

/** @param {string} path @param {{replace?: boolean}} [options] */
export function navigate(path, options = {}) {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event('matterline:navigate'));
}
