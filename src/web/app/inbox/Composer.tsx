// The composer shows the send gates before anything is typed, as GET /api/conversations/:id/composer reports them:
// consent first (offer the consent request instead of a text box), then the WhatsApp window (templates only), then
// the office hours (send now, or hold until the next opening). An internal note can always be written: it is never
// sent. Files come by the attach button, a drop on the composer, or an image pasted into the text.
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { ApiError, describeError, enc, get, post, postForm } from '../api.js';
import { dateTime, fileSize } from '../format.js';
import type { CannedReply, ComposerState } from '../types.js';

const maxCompositionMs = 86_400_000;
const maxFiles = 10;

export interface ComposerHandle {
  refresh(): void;
  focus(): void;
}

interface Props {
  handle: RefObject<ComposerHandle | null>;
  conversationId: string;
  contactName: string;
  onSent: () => void;
  onConsentChanged: () => void;
  onZone: (zone: string | undefined) => void;
  /** Changes when the conversation's contact changes (consent, block): the gates are read again. */
  gatesKey: string;
}

export function Composer({ handle, conversationId, contactName: name, onSent, onConsentChanged, onZone, gatesKey }: Props) {
  const base = `/api/conversations/${enc(conversationId)}`;
  const [state, setState] = useState<ComposerState | null>(null);
  const [loadError, setLoadError] = useState('');
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const [sensitive, setSensitive] = useState<SensitiveRefusal | null>(null);
  const [agreement, setAgreement] = useState('');
  const [templateIndex, setTemplateIndex] = useState(0);
  const [canned, setCanned] = useState<CannedReply[]>([]);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const noteArea = useRef<HTMLTextAreaElement>(null);
  const idempotencyKey = useRef(crypto.randomUUID());
  const firstKeyAt = useRef<number | null>(null);

  async function refresh() {
    try {
      const found = await get<ComposerState>(`${base}/composer`);
      setState(found);
      setLoadError('');
      onZone(found.office.timeZone ?? undefined);
    } catch (caught) {
      setLoadError(describeError(caught));
    }
  }
  handle.current = {
    refresh: () => void refresh(),
    // The composer's first control: the note or reply text, else the gate's own (the template picker, a button).
    focus: () => {
      const target = mode === 'note' ? noteArea.current : textarea.current && !textarea.current.disabled ? textarea.current : document.querySelector<HTMLElement>('#template-pick, .composer.gate button');
      target?.focus();
    },
  };
  useEffect(() => {
    void refresh();
  }, [gatesKey]);
  useEffect(() => {
    get<{ items: CannedReply[] }>('/api/canned-replies').then(
      (found) => setCanned(found.items),
      () => setCanned([]),
    );
  }, [conversationId]);

  const addFiles = (added: Iterable<File>) => setFiles((held) => [...held, ...added].slice(0, maxFiles));

  async function send(whenClosed?: 'send_now' | 'hold', template?: { name: string; language: string }, sensitiveDataConsent?: string) {
    const body = text.trim();
    const withFiles = !template && files.length > 0;
    if (!body && !template && !withFiles) {
      setError('Write a message or attach a file first.');
      textarea.current?.focus();
      return;
    }
    if (sending) return;
    setSending(true);
    setError('');
    try {
      const payload: Record<string, unknown> = template ? { template, idempotencyKey: idempotencyKey.current } : { text: body, idempotencyKey: idempotencyKey.current };
      if (whenClosed) payload.whenClosed = whenClosed;
      if (sensitiveDataConsent) payload.sensitiveDataConsent = sensitiveDataConsent;
      if (firstKeyAt.current !== null && !template) payload.compositionMs = Math.min(maxCompositionMs, Math.max(0, Date.now() - firstKeyAt.current));
      let sent: { heldUntil?: string | null };
      if (withFiles) {
        // Text and files as one multipart send; the channel's limits are checked by the server, which names the file.
        const form = new FormData();
        for (const [key, value] of Object.entries(payload)) form.set(key, String(value));
        if (!body) form.delete('text');
        for (const file of files) form.append('files', file, file.name);
        sent = await postForm(`${base}/messages`, form);
      } else {
        sent = await post(`${base}/messages`, payload);
      }
      if (!template) {
        setText('');
        firstKeyAt.current = null;
        setFiles([]);
      }
      idempotencyKey.current = crypto.randomUUID();
      setSensitive(null);
      setAgreement('');
      announce(sent.heldUntil ? `Message held until ${dateTime(sent.heldUntil, state?.office.timeZone ?? undefined)}.` : 'Message sent.');
      onSent();
    } catch (caught) {
      const refusal = sensitiveRefusal(caught);
      if (refusal) {
        // Not an error of the form: the warning panel says what was found and what to do instead.
        setSensitive(refusal);
        setError(refusal.forbidden || !sensitiveDataConsent ? '' : describeError(caught));
        return;
      }
      setError(describeError(caught));
      // The gates moved under us (a STOP, the window closing): show them as they are now. The draft stays.
      if (caught instanceof ApiError && caught.status === 409) await refresh();
    } finally {
      setSending(false);
      // Focus stays where the person writes.
      textarea.current?.focus();
    }
  }

  async function saveNote(event: Event) {
    event.preventDefault();
    if (!note.trim()) {
      setError('Write the note first.');
      return;
    }
    setSending(true);
    setError('');
    try {
      await post(`${base}/notes`, { text: note });
      setNote('');
      announce('Note added. The client does not see it.');
      onSent();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setSending(false);
      noteArea.current?.focus();
    }
  }

  async function requestConsent() {
    setSending(true);
    setError('');
    try {
      await post(`${base}/consent-request`);
      announce('Consent request sent.');
      onSent();
      onConsentChanged();
      await refresh();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setSending(false);
    }
  }

  async function reviewRevocation(decision: 'confirm' | 'dismiss') {
    setError('');
    try {
      await post(`${base}/revocation`, { decision });
      announce(decision === 'confirm' ? 'Recorded as opted out.' : 'Kept as opted in.');
      onConsentChanged();
      await refresh();
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  const errorLine = (
    <p class="form-error" id="composer-error" role="alert">
      {error}
    </p>
  );
  const tabs = (
    <div class="composer-tabs" role="group" aria-label="Write">
      <button type="button" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
        Reply
      </button>
      <button type="button" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
        Internal note
      </button>
    </div>
  );

  if (mode === 'note') {
    return (
      <form class="composer note-composer" aria-label="Internal note" onSubmit={(e) => void saveNote(e)}>
        {tabs}
        <label for="note-text" class="composer-label">
          Internal note (the client never sees it; it is kept in the matter’s record)
        </label>
        <textarea
          id="note-text"
          ref={noteArea}
          rows={3}
          maxLength={10_000}
          value={note}
          onInput={(e) => setNote(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void saveNote(e);
          }}
          aria-describedby="composer-error"
        />
        {errorLine}
        <div class="actions">
          <button type="submit" class="primary" disabled={sending}>
            Add note
          </button>
        </div>
      </form>
    );
  }

  if (loadError) {
    return (
      <div class="composer gate" role="region" aria-labelledby="composer-title">
        <h3 id="composer-title">The composer cannot be shown</h3>
        <p>{loadError}</p>
      </div>
    );
  }
  if (!state) return <p class="loading">Loading the composer…</p>;

  const gate = (heading: string, children: preact.ComponentChildren) => (
    <div class="composer gate" role="region" aria-labelledby="composer-title">
      {tabs}
      <h3 id="composer-title">{heading}</h3>
      {children}
      {errorLine}
    </div>
  );

  const { consent, office } = state;
  if (!consent.mayReceive) {
    switch (consent.reason) {
      case 'no_contact':
        return gate('Replies are not available', <p>This conversation has no single contact to reply to.</p>);
      case 'blocked':
        return gate('Contact blocked', <p>The firm blocked {name}. Nothing is sent to this contact.</p>);
      case 'opted_out':
        return gate('Opted out', <p>{name} opted out (STOP). Nothing may be sent until they opt in again by replying START.</p>);
      case 'revocation_pending':
        return gate(
          'Did the client ask us to stop?',
          <>
            <p>{name} may have asked to stop receiving messages. A person must decide before anything is sent.</p>
            <div class="actions">
              <button type="button" class="danger" onClick={() => void reviewRevocation('confirm')}>
                Yes: record as opted out
              </button>
              <button type="button" class="secondary" onClick={() => void reviewRevocation('dismiss')}>
                No: keep consent
              </button>
            </div>
          </>,
        );
      default: {
        const sentBefore = consent.requestedAt !== null;
        return gate(
          'Consent needed before replying',
          <>
            <p id="composer-notice">
              {sentBefore
                ? `A consent request was sent to ${name} ${dateTime(consent.requestedAt)}. Replies are possible once they answer YES.`
                : `${name} has not agreed to be messaged here. Only the consent request may be sent.`}
            </p>
            {consent.nextRequestAt ? (
              <p class="hint">It can be sent again from {dateTime(consent.nextRequestAt)} (at most once a day).</p>
            ) : (
              <button type="button" class="primary" id="send-consent-request" disabled={sending} onClick={() => void requestConsent()}>
                {sentBefore ? 'Send the consent request again' : 'Send consent request'}
              </button>
            )}
          </>,
        );
      }
    }
  }

  if (state.window.applies && !state.window.open) {
    const templates = state.templates.sendable ? (state.templates.list ?? []) : [];
    const chosen = templates[templateIndex];
    return gate(
      'WhatsApp window closed: template only',
      <>
        <p id="composer-notice">
          {state.window.closesAt
            ? `The 24-hour window closed ${dateTime(state.window.closesAt)}, one day after ${name}'s last message. Only an approved template can be sent now.`
            : `${name} has not written on WhatsApp yet, so only an approved template can be sent.`}
        </p>
        <label for="template-pick">Template</label>
        <select id="template-pick" disabled={templates.length === 0} value={String(templateIndex)} onChange={(e) => setTemplateIndex(Number(e.currentTarget.value))}>
          {templates.length === 0 ? (
            <option value="">None available here yet</option>
          ) : (
            templates.map((t, index) => (
              <option key={`${t.name}-${t.language}`} value={String(index)}>
                {t.name} ({t.language})
              </option>
            ))
          )}
        </select>
        {chosen ? (
          <>
            <p class="template-preview" id="template-preview" aria-live="polite">
              {chosen.text}
            </p>
            <div class="actions">
              <button type="button" class="primary" disabled={sending} onClick={() => void send(undefined, { name: chosen.name, language: chosen.language })}>
                Send template
              </button>
            </div>
          </>
        ) : null}
        <label for="reply-text">Free text (not allowed now)</label>
        <textarea id="reply-text" ref={textarea} rows={3} disabled value={text} />
        {templates.length === 0 ? <p class="hint">This account lists no approved WhatsApp templates. Call the client, or wait for them to write.</p> : null}
      </>,
    );
  }

  const closed = !office.open;
  const opening = office.nextOpening ? dateTime(office.nextOpening, office.timeZone ?? undefined) : null;
  const primaryWhen = closed ? office.defaultWhenClosed : undefined;
  return (
    <form
      class="composer"
      aria-label="Reply"
      onDragOver={(e) => {
        if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
      }}
      onDrop={(e) => {
        const dropped = [...(e.dataTransfer?.files ?? [])];
        if (dropped.length === 0) return;
        e.preventDefault();
        addFiles(dropped);
      }}
      onSubmit={(e) => {
        e.preventDefault();
        const submitter = (e as SubmitEvent).submitter;
        const when = submitter instanceof HTMLElement ? submitter.dataset.when : undefined;
        void send(closed ? (when === 'hold' ? 'hold' : 'send_now') : undefined);
      }}
    >
      {tabs}
      <label for="reply-text" class="composer-label">
        Reply to {name}
      </label>
      {closed ? (
        <p class="office-closed" id="composer-notice" role="status">
          {opening ? `The office is closed. It opens ${opening}. Send now, or hold the message until then.` : 'The office is closed.'}
        </p>
      ) : (
        <p id="composer-notice" class="visually-hidden">
          Ctrl+Enter sends.
        </p>
      )}
      <textarea
        id="reply-text"
        ref={textarea}
        name="text"
        rows={3}
        maxLength={4096}
        aria-describedby="composer-notice composer-error"
        value={text}
        onInput={(e) => {
          firstKeyAt.current ??= Date.now();
          setText(e.currentTarget.value);
        }}
        onPaste={(e) => {
          const pasted = [...(e.clipboardData?.files ?? [])];
          if (pasted.length > 0) {
            e.preventDefault();
            addFiles(pasted);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            // Ctrl+Enter does what the highlighted button does (while closed: the firm's default).
            void send(closed ? primaryWhen : undefined);
          }
        }}
      />
      <ul class="chosen-files" aria-label="Files to send" aria-live="polite">
        {files.map((file, index) => (
          <li key={`${file.name}-${index}`}>
            {file.name} ({fileSize(file.size)}){' '}
            <button type="button" class="link-button" aria-label={`Remove ${file.name}`} onClick={() => setFiles((held) => held.filter((_, i) => i !== index))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {sensitive ? (
        <SensitiveWarning
          refusal={sensitive}
          agreement={agreement}
          onAgreement={setAgreement}
          sending={sending}
          onSend={() => void send(closed ? primaryWhen : undefined, undefined, agreement.trim())}
          onEdit={() => {
            setSensitive(null);
            textarea.current?.focus();
          }}
        />
      ) : null}
      {errorLine}
      <div class="actions">
        <input
          type="file"
          id="reply-files"
          multiple
          class="visually-hidden"
          onChange={(e) => {
            addFiles(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
          }}
        />
        <label for="reply-files" class="button secondary attach">
          Attach files
        </label>
        {canned.length > 0 ? (
          <>
            <label for="canned-reply" class="visually-hidden">
              Insert a saved reply
            </label>
            <select
              id="canned-reply"
              value=""
              onChange={(e) => {
                const reply = canned.find((c) => c.id === e.currentTarget.value);
                e.currentTarget.value = '';
                if (!reply) return;
                firstKeyAt.current ??= Date.now();
                setText((held) => (held.trim() ? `${held.trimEnd()}\n${reply.body}` : reply.body));
                textarea.current?.focus();
              }}
            >
              <option value="">Saved replies…</option>
              {canned.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.language})
                </option>
              ))}
            </select>
          </>
        ) : null}
        {closed ? (
          <>
            <button type="submit" class={office.defaultWhenClosed === 'send_now' ? 'primary' : 'secondary'} data-when="send_now" disabled={sending}>
              Send now
            </button>
            {opening ? (
              <button type="submit" class={office.defaultWhenClosed === 'hold' ? 'primary' : 'secondary'} data-when="hold" disabled={sending}>
                Hold until {opening}
              </button>
            ) : null}
          </>
        ) : (
          <button type="submit" class="primary" disabled={sending}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}

interface SensitiveRefusal {
  message: string;
  forbidden: boolean;
  channel: string;
  findings: { kind: string; label: string }[];
  alternatives: { conversationId: string | null; channel: string; accountName: string; address: string }[];
}

/** The server's 409 for sensitive data on an insecure channel (core/channel-rules/sensitive-send.ts), or null. */
function sensitiveRefusal(caught: unknown): SensitiveRefusal | null {
  if (!(caught instanceof ApiError) || caught.status !== 409) return null;
  const details = caught.details as Partial<SensitiveRefusal> & { reason?: string };
  if (details.reason !== 'sensitive_data' && details.reason !== 'sensitive_data_forbidden') return null;
  return {
    message: caught.message,
    forbidden: details.reason === 'sensitive_data_forbidden',
    channel: details.channel ?? 'this channel',
    findings: details.findings ?? [],
    alternatives: details.alternatives ?? [],
  };
}

/** What was found, the secure ways to send it, and (unless the firm forbids it) sending with the client's informed agreement. */
function SensitiveWarning(props: {
  refusal: SensitiveRefusal;
  agreement: string;
  onAgreement: (value: string) => void;
  sending: boolean;
  onSend: () => void;
  onEdit: () => void;
}) {
  const { refusal } = props;
  return (
    <div class="sensitive-warning" id="sensitive-warning" role="alert" aria-labelledby="sensitive-title">
      <p id="sensitive-title">
        <strong>{refusal.forbidden ? `The firm does not allow this over ${refusal.channel}` : `Sensitive data over ${refusal.channel}, which is not secure`}</strong>
      </p>
      <ul>
        {refusal.findings.map((finding) => (
          <li key={finding.label}>{finding.label}</li>
        ))}
      </ul>
      {refusal.alternatives.length > 0 ? (
        <p>
          Safer: the client also writes on{' '}
          {refusal.alternatives.map((alternative, index) => (
            <span key={`${alternative.accountName}-${alternative.address}`}>
              {index > 0 ? ', ' : ''}
              {alternative.conversationId ? (
                <a href={`/inbox/${alternative.conversationId}`}>
                  {alternative.channel} ({alternative.accountName})
                </a>
              ) : (
                `${alternative.channel} (${alternative.accountName}, ${alternative.address})`
              )}
            </span>
          ))}
          . Or send it by another route: a secure portal, a call, in person.
        </p>
      ) : (
        <p>Send it by another route instead: a secure portal, a call, in person.</p>
      )}
      {refusal.forbidden ? null : (
        <>
          <label for="sensitive-agreement">If the client agreed to receive this here, say how and when (kept as evidence in the consent record)</label>
          <textarea id="sensitive-agreement" rows={2} maxLength={1000} value={props.agreement} onInput={(e) => props.onAgreement(e.currentTarget.value)} />
        </>
      )}
      <div class="actions">
        {refusal.forbidden ? null : (
          <button type="button" class="danger" disabled={props.sending || props.agreement.trim().length < 10} onClick={props.onSend}>
            Send with the client's agreement
          </button>
        )}
        <button type="button" class="secondary" onClick={props.onEdit}>
          Edit the message
        </button>
      </div>
    </div>
  );
}
