/** Says something to screen readers through the page's polite live region. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node after a tick makes screen readers read a repeated message again.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}
