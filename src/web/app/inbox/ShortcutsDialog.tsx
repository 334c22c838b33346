// The keyboard shortcuts, listed on "?" in a modal dialog (the browser's <dialog>: focus kept inside, Esc closes).
// The dialog's open state is the browser's own (dialog.open): nothing to keep in step.
import type { RefObject } from 'preact';

export const shortcuts: [keys: string, what: string][] = [
  ['j or Alt+↓', 'Next conversation'],
  ['k or Alt+↑', 'Previous conversation'],
  ['r', 'Write in the composer'],
  ['Ctrl+Enter', 'Send (in the composer)'],
  ['/', 'Search conversations'],
  ['?', 'This list'],
];

export function ShortcutsDialog({ dialog }: { dialog: RefObject<HTMLDialogElement | null> }) {
  return (
    <dialog ref={dialog} class="shortcuts" aria-labelledby="shortcuts-title">
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
