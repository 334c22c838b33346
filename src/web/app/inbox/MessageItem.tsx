// One message of the thread: its text, its files (images inline, PDFs to open in the browser's viewer, other files
// as named downloads), its time and delivery, and what a person can do about a send that failed or waits.
import { useEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, describeError, enc, patch } from '../api.js';
import { dateTime, fileSize } from '../format.js';
import type { Attachment, Message, Note, User } from '../types.js';

const statusMarks: Record<string, { label: string; mark: string }> = {
  queued: { label: 'Queued', mark: '…' },
  sending: { label: 'Sending', mark: '…' },
  sent: { label: 'Sent', mark: '✓' },
  delivered: { label: 'Delivered', mark: '✓✓' },
  read: { label: 'Read', mark: '✓✓' },
  failed: { label: 'Failed', mark: '!' },
  cancelled: { label: 'Cancelled', mark: '✕' },
};

const purposeLabels: Record<string, string> = {
  consent_request: 'Consent request',
  consent_confirmed: 'Consent confirmation',
  opted_out: 'Opt-out confirmation',
  help: 'Help answer',
  after_hours: 'After-hours reply',
  back_open: 'Back-open note',
};

const attachmentStates: Record<string, string> = { pending: 'not fetched yet', failed: 'could not be fetched' };
const previewableImages = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const attachmentName = (a: Attachment) => a.fileName ?? `Unnamed ${a.mimeType.split('/')[0] ?? 'file'}`;
/** A short type mark: the file's extension, else the kind of media. */
const fileType = (a: Attachment) => (/\.([a-z0-9]{1,5})$/i.exec(a.fileName ?? '')?.[1] ?? a.mimeType.split('/')[0] ?? 'file').toUpperCase();

/** Why a send failed, in words, from the error the send job recorded. */
export function failureReason(error: string | null): string {
  const e = error ?? '';
  if (/window/i.test(e)) return 'the WhatsApp 24-hour window had closed: only an approved template can go out';
  if (/consent|opted.?out|stop/i.test(e)) return 'the client has not agreed to messages here (or asked to stop)';
  if (/paused|disconnected|offline|not connected|logged out/i.test(e)) return 'the channel account is offline or paused';
  if (/blocked/i.test(e)) return 'the contact is blocked';
  if (/too large|size|type/i.test(e)) return `the channel refused the file (${e})`;
  return e || 'the provider refused it';
}

function AttachmentView({ a }: { a: Attachment }) {
  const href = `/api/attachments/${enc(a.id)}`;
  const stored = a.state === 'stored';
  const meta = [a.mimeType, fileSize(a.size), attachmentStates[a.state] ?? ''].filter(Boolean).join(' · ');
  const image = stored && previewableImages.has(a.mimeType);
  const pdf = stored && a.mimeType === 'application/pdf';
  return (
    <li class={`attachment${image ? ' with-preview' : ''}`} data-state={a.state}>
      {image ? (
        <a class="image-preview" href={`${href}?view=inline`} target="_blank" rel="noopener">
          <img src={`${href}?view=inline`} alt={`Image: ${attachmentName(a)}`} loading="lazy" />
        </a>
      ) : null}
      <span class="attachment-type" aria-hidden="true">
        {fileType(a)}
      </span>
      {stored ? (
        <a class="attachment-name" href={href} download={a.fileName ?? ''}>
          {attachmentName(a)}
        </a>
      ) : (
        <span class="attachment-name">{attachmentName(a)}</span>
      )}
      {pdf ? (
        <a class="open-file" href={`${href}?view=inline`} target="_blank" rel="noopener" aria-label={`Open ${attachmentName(a)} in the browser's viewer`}>
          Open {attachmentName(a)}
        </a>
      ) : null}
      <span class="attachment-meta">{meta}</span>
    </li>
  );
}

interface Props {
  user: User;
  message: Message;
  contactName: string;
  firmZone: string | undefined;
  onChanged: () => void;
  onError: (text: string) => void;
  /** Takes the person to the composer (which offers the approved templates once the WhatsApp window has closed). */
  onComposer: () => void;
}

export function MessageItem({ user, message: m, contactName, firmZone, onChanged, onError, onComposer }: Props) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.text ?? '');
  const [editError, setEditError] = useState('');
  const editField = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (editing) editField.current?.focus();
  }, [editing]);
  const mine = m.author ? m.author.id === user.id : user.role === 'admin';
  const who = m.direction === 'inbound' ? contactName : (m.author?.name ?? purposeLabels[m.purpose] ?? 'Matterline');
  const unknown = m.status === 'failed' && (m.error ?? '').startsWith('send_outcome_unknown');
  const sentAgain = (m.error ?? '').includes('(sent again as');

  const act = async (path: string, confirmText: string, done: string) => {
    if (!window.confirm(confirmText)) return;
    try {
      await api('POST', path, {});
      announce(done);
      onChanged();
    } catch (caught) {
      onError(describeError(caught));
    }
  };

  const saveEdit = async (event: Event) => {
    event.preventDefault();
    try {
      await patch(`/api/messages/${enc(m.id)}`, { text: draft });
      setEditing(false);
      announce('Scheduled message changed.');
      onChanged();
    } catch (caught) {
      setEditError(describeError(caught));
    }
  };

  let status = null;
  if (m.direction === 'outbound') {
    if (m.status === 'scheduled') {
      status = (
        <span class="status scheduled" data-status="scheduled">
          Held: goes out {dateTime(m.scheduledFor, firmZone)}, when the office opens
        </span>
      );
    } else if (unknown) {
      // The process stopped while the provider answered: the client may well have it. Said in words, not as a failure.
      status = (
        <span class="status status-unknown" data-status="unknown" title={m.error ?? ''}>
          <span class="ticks" aria-hidden="true">
            ?
          </span>
          {sentAgain ? ' Not known whether it arrived; sent again' : ' Not known whether it arrived'}
        </span>
      );
    } else {
      const mark = statusMarks[m.status] ?? { label: m.status, mark: '' };
      status = (
        <span class={`status status-${m.status}`} data-status={m.status} title={m.error ?? mark.label}>
          <span class="ticks" aria-hidden="true">
            {mark.mark}
          </span>{' '}
          {mark.label}
          {m.status === 'failed' ? `: ${sentAgain ? 'sent again' : failureReason(m.error)}` : ''}
          {/* A send that failed for a passing reason waits in the queue and is tried again: said with its reason. */}
          {(m.status === 'queued' || m.status === 'sending') && m.error ? `: waiting, ${failureReason(m.error)}; it is tried again on its own` : ''}
        </span>
      );
    }
  }

  let actions = null;
  const windowClosed = m.status === 'failed' && /window/i.test(m.error ?? '');
  if (m.direction === 'outbound' && windowClosed && mine) {
    // Free text cannot go out after the 24-hour window: the fix is an approved template, in the composer.
    actions = (
      <span class="held-actions">
        <button type="button" class="link-button" onClick={onComposer}>
          Send a template instead
        </button>
      </span>
    );
  } else if (m.direction === 'outbound' && m.status === 'failed' && !sentAgain && mine) {
    actions = (
      <span class="held-actions">
        <button
          type="button"
          class="link-button"
          onClick={() =>
            void act(
              `/api/messages/${enc(m.id)}/resend`,
              unknown ? 'It is not known whether this message reached the client. Send it again?' : 'Send this message again?',
              'Sent again.',
            )
          }
        >
          {unknown ? 'Send again' : 'Retry'}
        </button>
      </span>
    );
  } else if (m.status === 'scheduled' && (m.author?.id === user.id || user.role === 'admin')) {
    actions = (
      <span class="held-actions">
        <button type="button" class="link-button" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          class="link-button danger"
          onClick={() => void act(`/api/messages/${enc(m.id)}/cancel`, 'Cancel this scheduled message? It will not be sent.', 'Scheduled message cancelled.')}
        >
          Cancel send
        </button>
      </span>
    );
  }

  const fieldId = `edit-${m.id}`;
  return (
    <li
      class={`message ${m.direction}${m.afterHours ? ' after-hours' : ''}${m.status === 'scheduled' ? ' held' : ''}${editing ? ' editing' : ''}`}
      data-id={m.id}
      data-status={m.status}
      data-direction={m.direction}
    >
      <span class="visually-hidden">{m.direction === 'inbound' ? `${who} wrote:` : `${who} sent:`}</span>
      {purposeLabels[m.purpose] ? <span class="purpose">{purposeLabels[m.purpose]}</span> : null}
      {m.deletedBySender ? (
        <p class="message-text deleted">The sender deleted this message.</p>
      ) : m.text || m.editedText ? (
        <p class="message-text">{m.editedText ?? m.text ?? ''}</p>
      ) : null}
      {m.attachments.length > 0 ? (
        <ul class="attachments" aria-label="Attachments">
          {m.attachments.map((a) => (
            <AttachmentView key={a.id} a={a} />
          ))}
        </ul>
      ) : null}
      <p class="message-meta">
        {m.direction === 'outbound' && m.author ? <span class="author">{m.author.name}</span> : null}
        <time dateTime={m.sentAt ?? m.capturedAt}>{dateTime(m.sentAt ?? m.capturedAt)}</time>
        {m.afterHours ? <span class="badge after-hours-mark">After hours</span> : null}
        {m.editedText ? <span class="edited">edited</span> : null}
        {status}
        {actions}
      </p>
      {editing ? (
        <form class="edit-held" onSubmit={(e) => void saveEdit(e)}>
          <label for={fieldId}>Edit the scheduled message</label>
          <textarea id={fieldId} rows={3} maxLength={4096} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} ref={editField} />
          <p class="form-error" role="alert">
            {editError}
          </p>
          <button type="submit" class="primary">
            Save
          </button>
          <button type="button" class="secondary" onClick={() => setEditing(false)}>
            Keep as is
          </button>
        </form>
      ) : null}
    </li>
  );
}

/** An internal note: for the firm's people only, never sent, drawn apart from the messages. */
export function NoteItem({ note }: { note: Note }) {
  return (
    <li class="message note" data-id={note.id} data-kind="note">
      <span class="purpose">Internal note · not sent to the client</span>
      <p class="message-text">{note.text}</p>
      <p class="message-meta">
        <span class="author">{note.author?.name ?? 'A former user'}</span>
        <time dateTime={note.createdAt}>{dateTime(note.createdAt)}</time>
      </p>
    </li>
  );
}
