// The keyboard shortcuts, listed on "?" in a modal dialog (the browser's <dialog>: focus kept inside, Esc closes).
import { useEffect, useRef } from 'preact/hooks';

export const shortcuts: [keys: string, what: string][] = [
  ['j or Alt+↓', 'Next conversation'],
  ['k or Alt+↑', 'Previous conversation'],
  ['r', 'Write in the composer'],
  ['Ctrl+Enter', 'Send (in the composer)'],
  ['/', 'Search conversations'],
  ['?', 'This list'],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="shortcuts" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map(([keys, what]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" class="primary">
          Close
        </button>
      </form>
    </dialog>
  );
}
