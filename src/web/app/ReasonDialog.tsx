// Asking a person for a reason (a write-off, a legal hold) in the app's own modal dialog, not the browser's prompt:
// labelled, checked, and kept on screen with the error until the action succeeds.
import { useId, useRef, useState } from 'preact/hooks';
import { useModalDialog } from './use-modal-dialog.js';
import { describeError } from './api.js';

export interface ReasonRequest {
  title: string;
  label: string;
  action: string;
  /** Runs with the reason; a thrown error is shown in the dialog, which stays open. */
  run: (reason: string) => Promise<void>;
}

export function ReasonDialog({ request, onDone }: { request: ReasonRequest | null; onDone: () => void }) {
  // Several dialogs can share a page (a matter's walls and its reminders): each has its own ids.
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const dialog = useModalDialog(
    request !== null,
    () => {
      setReason('');
      setError('');
      field.current?.focus();
    },
    onDone,
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!request) return;
    if (reason.trim().length < 3) {
      setError('Give a reason of at least 3 characters: it is kept in the record.');
      field.current?.focus();
      return;
    }
    setBusy(true);
    setError('');
    try {
      await request.run(reason.trim());
      dialog.current?.close();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="reason-dialog" aria-labelledby={`${id}-title`}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${id}-title`}>{request?.title ?? ''}</h2>
        <label for={`${id}-text`}>{request?.label ?? ''}</label>
        <textarea id={`${id}-text`} ref={field} rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} aria-describedby={`${id}-error`} />
        <p class="form-error" id={`${id}-error`} role="alert">
          {error}
        </p>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {request?.action ?? 'Save'}
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
