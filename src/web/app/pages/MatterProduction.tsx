// A matter's production for litigation (issue 19): its messages as RSMF 2.0 for opposing counsel's review platform,
// sliced by days and conversation, privileged messages withheld; the privilege log; and marking messages privileged
// from the matter file, with the basis and a description that does not reveal them.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { announce } from '../announce.js';
import { api, describeError, enc, get } from '../api.js';
import { ErrorLine } from '../ErrorLine.js';

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
  const dialog = useRef<HTMLDialogElement>(null);
  const [privilege, setPrivilege] = useState<PrivilegeMark['privilege']>('attorney_client');
  const [basis, setBasis] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState('');
  const changed = useRef(false);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const closed = () => done.current(changed.current);
    element.addEventListener('close', closed);
    return () => element.removeEventListener('close', closed);
  }, []);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (target && !element.open) {
      changed.current = false;
      setBasis('');
      setDescription('');
      setError('');
      element.showModal();
    }
    if (!target && element.open) element.close();
  }, [target]);
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
