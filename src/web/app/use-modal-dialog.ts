import type { RefObject } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A <dialog> shown as a modal while `open` holds: `onOpen` runs as it is shown (to reset its form, focus a field), and
 * `onClosed` whenever it closes (Escape, Cancel, or `open` turning false). Returns the ref for the <dialog>.
 */
export function useModalDialog(open: boolean, onOpen: () => void, onClosed: () => void): RefObject<HTMLDialogElement | null> {
  const dialog = useRef<HTMLDialogElement>(null);
  const closed = useRef(onClosed);
  closed.current = onClosed;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const listener = () => closed.current();
    element.addEventListener('close', listener);
    return () => element.removeEventListener('close', listener);
  }, []);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      onOpen();
    }
    if (!open && element.open) element.close();
  }, [open]);
  return dialog;
}
