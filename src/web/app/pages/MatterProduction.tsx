// A matter's production for litigation (issue 19): its messages as RSMF 2.0 for opposing counsel's review platform,
// sliced by days and conversation, privileged messages withheld; the privilege log; and marking messages privileged
// from the matter file, with the basis and a description that does not reveal them.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, describeError, enc, get } from '../api.js';
import { firmTime } from '../../../core/matter-file/describe-event.js';
import { ErrorLine } from '../ErrorLine.js';
import { useModalDialog } from '../use-modal-dialog.js';
import { ReasonDialog, type ReasonRequest } from '../ReasonDialog.js';

export interface PrivilegeMark {
  id: string;
  conversationId: string;
  messageId: string | null;
  privilege: 'attorney_client' | 'work_product';
  basis: string;
  description: string;
  markedBy: { id: string; name: string };
}

export const privilegeWords: Record<PrivilegeMark['privilege'], string> = {
  attorney_client: 'Attorney-client privilege',
  work_product: 'Attorney work product',
};

/** The RSMF download and the privilege log of one matter. */
export function ProductionPanel({ matterId, conversations }: { matterId: string; conversations: { id: string; label: string }[] }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [conversation, setConversation] = useState('');
  const [withhold, setWithhold] = useState(true);
  const params = new URLSearchParams();
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  if (conversation) params.set('conversation', conversation);
  if (!withhold) params.set('privileged', 'include');
  const query = params.toString();
  return (
    <fieldset class="production" id="production">
      <legend>Production for eDiscovery</legend>
      <div class="sv-filters">
        <label>
          From <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Conversation{' '}
          <select value={conversation} onChange={(e) => setConversation(e.currentTarget.value)}>
            <option value="">All of the matter's</option>
            {conversations.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={withhold} onChange={(e) => setWithhold(e.currentTarget.checked)} /> Withhold privileged messages
        </label>
      </div>
      <p>
        <a id="rsmf-download" href={`/api/matters/${enc(matterId)}/export.rsmf${query ? `?${query}` : ''}`} download="">
          Download messages (RSMF 2.0)
        </a>{' '}
        ·{' '}
        <a id="privilege-log-csv" href={`/api/matters/${enc(matterId)}/privilege-log?format=csv`} download="">
          Privilege log (CSV)
        </a>
      </p>
      <p class="hint">
        RSMF is the Relativity Short Message Format that review platforms load as it is. Days are the firm's; times in the file are UTC. Withheld messages are
        listed in the privilege log instead.
      </p>
    </fieldset>
  );
}

/** The matter's standing privilege marks, reloaded after each change. */
export function usePrivilegeMarks(matterId: string | null): { marks: PrivilegeMark[]; reload: () => Promise<void> } {
  const [marks, setMarks] = useState<PrivilegeMark[]>([]);
  const reload = async () => {
    if (!matterId) return setMarks([]);
    setMarks((await get<{ marks: PrivilegeMark[] }>(`/api/matters/${enc(matterId)}/privilege`)).marks);
  };
  useEffect(() => {
    reload().catch(() => setMarks([]));
  }, [matterId]);
  return { marks, reload };
}

/** The mark that withholds a message: its own, else its conversation's. */
export const markOf = (marks: readonly PrivilegeMark[], message: { id: string; conversationId: string }): PrivilegeMark | undefined =>
  marks.find((m) => m.messageId === message.id) ?? marks.find((m) => m.messageId === null && m.conversationId === message.conversationId);

export interface PrivilegeTarget {
  matterId: string;
  /** One message, or a whole conversation. */
  messageId?: string;
  conversationId?: string;
  /** What the dialog says is being marked ("Alice Avery's message of 3 Nov 10:05"). */
  what: string;
}

/** The dialog that asserts privilege over a message or a conversation. */
export function PrivilegeDialog({ target, onDone }: { target: PrivilegeTarget | null; onDone: (changed: boolean) => void }) {
  const id = useId();
  const [privilege, setPrivilege] = useState<PrivilegeMark['privilege']>('attorney_client');
  const [basis, setBasis] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState('');
  const changed = useRef(false);
  const dialog = useModalDialog(
    target !== null,
    () => {
      changed.current = false;
      setBasis('');
      setDescription('');
      setError('');
    },
    () => onDone(changed.current),
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!target) return;
    try {
      await api('POST', `/api/matters/${enc(target.matterId)}/privilege`, {
        ...(target.messageId ? { messageIds: [target.messageId] } : { conversationId: target.conversationId }),
        privilege,
        basis: basis.trim(),
        description: description.trim(),
      });
      changed.current = true;
      announce('Marked privileged.');
      dialog.current?.close();
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <dialog ref={dialog} class="reason-dialog" aria-labelledby={`${id}-title`}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${id}-title`}>Mark privileged</h2>
        <p>{target?.what ?? ''}</p>
        <label for={`${id}-kind`}>Privilege</label>
        <select id={`${id}-kind`} value={privilege} onChange={(e) => setPrivilege(e.currentTarget.value as PrivilegeMark['privilege'])}>
          <option value="attorney_client">{privilegeWords.attorney_client}</option>
          <option value="work_product">{privilegeWords.work_product}</option>
        </select>
        <label for={`${id}-basis`}>Basis (why the privilege applies)</label>
        <input id={`${id}-basis`} required minLength={3} maxLength={500} value={basis} onInput={(e) => setBasis(e.currentTarget.value)} />
        <label for={`${id}-description`}>Description for the privilege log (must not reveal the content)</label>
        <input id={`${id}-description`} required minLength={3} maxLength={500} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <ErrorLine text={error} />
        <div class="actions">
          <button type="submit" class="primary">
            Mark privileged
          </button>
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A message's privilege: its mark with Withdraw, or the buttons that mark it or its whole conversation. */
export function PrivilegeActions(props: {
  matterId: string;
  message: { id: string; conversationId: string };
  /** The message in words, for the buttons' accessible names and the dialogs ("the message of 3 Nov, 10:05"). */
  what: string;
  marks: readonly PrivilegeMark[];
  canMark: boolean;
  onMark: (target: PrivilegeTarget) => void;
  onWithdraw: (markId: string, what: string) => void;
}) {
  const { message, what } = props;
  const mark = markOf(props.marks, message);
  if (mark) {
    return (
      <span class="privileged">
        {privilegeWords[mark.privilege]}
        {mark.messageId === null ? ' (whole conversation)' : ''}{' '}
        {props.canMark ? (
          <button type="button" class="secondary" aria-label={`Withdraw privilege on ${what}`} onClick={() => props.onWithdraw(mark.id, mark.messageId ? what : 'the whole conversation')}>
            Withdraw
          </button>
        ) : null}
      </span>
    );
  }
  if (!props.canMark) return null;
  return (
    <>
      <button type="button" class="secondary" aria-label={`Mark privileged: ${what}`} onClick={() => props.onMark({ matterId: props.matterId, messageId: message.id, what: `Marking ${what}.` })}>
        Mark privileged
      </button>{' '}
      <button
        type="button"
        class="secondary"
        aria-label={`Mark the whole conversation privileged: ${what}`}
        onClick={() => props.onMark({ matterId: props.matterId, conversationId: message.conversationId, what: 'Marking every message of this conversation, now and later.' })}
      >
        Whole conversation
      </button>
    </>
  );
}

/** A message of the matter file's timeline, as much of it as this card shows. */
interface TimelineMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  text: string | null;
  editedText: string | null;
  author: { name: string } | null;
  contact: { address: string; displayName: string | null } | null;
}

interface FilePage {
  matter: { timeZone: string; conversations: { id: string; kind: string; title: string | null; channel: string; contact: { address: string; displayName: string | null } | null }[] };
  items: { kind: string; at: string; id: string; data: TimelineMessage }[];
  nextCursor: string | null;
}

/**
 * The matter page's privilege and production card, for the lawyers who work the matter: its messages with their
 * privilege (mark, withdraw), the RSMF download and the privilege log.
 */
export function MatterPrivilege({ matterId, canMark }: { matterId: string; canMark: boolean }) {
  const [page, setPage] = useState<FilePage | null>(null);
  const [messages, setMessages] = useState<FilePage['items']>([]);
  const [error, setError] = useState('');
  const [marking, setMarking] = useState<PrivilegeTarget | null>(null);
  const [asking, setAsking] = useState<ReasonRequest | null>(null);
  const privilege = usePrivilegeMarks(matterId);
  const load = async (more: boolean) => {
    const cursor = more && page?.nextCursor ? `&cursor=${enc(page.nextCursor)}` : '';
    const found = await get<FilePage>(`/api/matters/${enc(matterId)}/file?limit=500${cursor}`);
    const shown = found.items.filter((item) => item.kind === 'message' || item.kind === 'auto_reply');
    setMessages((held) => (more ? [...held, ...shown] : shown));
    setPage(found);
  };
  useEffect(() => {
    load(false).catch((caught: unknown) => setError(describeError(caught)));
  }, [matterId]);
  const withdraw = (markId: string, what: string) => setAsking(withdrawRequest(markId, what, privilege.reload));
  if (!page) return error ? <ErrorLine text={error} /> : null;
  const zone = page.matter.timeZone;
  return (
    <section class="card" aria-labelledby="privilege-title" id="matter-privilege">
      <h2 id="privilege-title">Privilege and production</h2>
      <ProductionPanel
        matterId={matterId}
        conversations={conversationChoices(page.matter.conversations)}
      />
      <ErrorLine text={error} />
      {messages.length === 0 ? (
        <p>No messages in this matter yet.</p>
      ) : (
        <table class="privilege-messages" tabIndex={0}>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Message</th>
              <th>Privilege</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((item) => {
              const data = item.data;
              const who = data.direction === 'inbound' ? (data.contact?.displayName ?? data.contact?.address ?? 'Client') : (data.author?.name ?? 'Automatic');
              const what = `the message of ${firmTime(item.at, zone)}`;
              const text = String(data.editedText ?? data.text ?? `[${data.kind}]`);
              return (
                <tr key={item.id}>
                  <td>{firmTime(item.at, zone)}</td>
                  <td>{who}</td>
                  <td class="timeline-text">{text.length > 160 ? `${text.slice(0, 160)}…` : text}</td>
                  <td>
                    <PrivilegeActions
                      matterId={matterId}
                      message={{ id: data.id, conversationId: data.conversationId }}
                      what={what}
                      marks={privilege.marks}
                      canMark={canMark}
                      onMark={setMarking}
                      onWithdraw={withdraw}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {page.nextCursor ? (
        <button type="button" class="secondary" onClick={() => void load(true).catch((caught: unknown) => setError(describeError(caught)))}>
          More
        </button>
      ) : null}
      <PrivilegeDialog
        target={marking}
        onDone={(changed) => {
          setMarking(null);
          if (changed) privilege.reload().catch((caught: unknown) => setError(describeError(caught)));
        }}
      />
      <ReasonDialog request={asking} onDone={() => setAsking(null)} />
    </section>
  );
}

/** The ReasonDialog request that withdraws a privilege mark. */
export const withdrawRequest = (markId: string, what: string, reload: () => Promise<void>): ReasonRequest => ({
  title: `Withdraw the privilege mark on ${what}`,
  label: 'Why is the privilege withdrawn?',
  action: 'Withdraw',
  run: async (reason) => {
    await api('DELETE', `/api/privilege/${enc(markId)}`, { reason });
    announce('Privilege mark withdrawn.');
    await reload();
  },
});

/** A matter's conversations as the production panel offers them. */
export const conversationChoices = (
  conversations: readonly { id: string; title: string | null; channel: string; contact: { address: string; displayName: string | null } | null }[],
): { id: string; label: string }[] =>
  conversations.map((c) => ({ id: c.id, label: `${c.contact ? (c.contact.displayName ?? c.contact.address) : (c.title ?? 'group')} (${c.channel})` }));
