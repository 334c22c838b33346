// Each event of a matter's file in words a reviewer (or a regulator) reads: "Consent given by reply YES", "Marked
// done", "Time: 0.1 h drafted for Laura Lawyer". Pure and dependency-free: the exported transcript and the supervision
// page (compiled for the browser) both use it, so the two never say the same event differently.

export interface DescribedEvent {
  /** What happened, in a few words. */
  what: string;
  /** Who did it or whom it concerns. */
  who: string;
  /** The rest a reviewer reads: the text, the reason, the values. */
  detail: string;
}

type Data = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
const nameOf = (value: unknown): string => {
  const found = value as { name?: string; displayName?: string | null; address?: string } | null;
  return found ? (found.name ?? found.displayName ?? found.address ?? '') : '';
};

const consentStates: Record<string, string> = {
  unknown: 'no consent',
  requested: 'consent requested',
  opted_in: 'opted in',
  opted_out: 'opted out',
};

/** A consent change in words: how it came about matters as much as the new state. */
export function describeConsent(data: Data): string {
  const from = text(data.from);
  const to = text(data.to);
  const source = text(data.source);
  const words = text(data.text);
  if (source === 'block') return 'Contact blocked by the firm';
  if (source === 'sensitive_data') return `Informed consent to sensitive data over an insecure channel${words ? `: ${words.trim()}` : ''}`;
  if (source === 'unblock') return 'Contact unblocked by the firm';
  if (source === 'keyword') {
    if (to === 'opted_in') return `Consent given by reply ${words ? words.trim().toUpperCase() : 'YES'}`;
    if (to === 'opted_out') return `Opted out by reply ${words ? words.trim().toUpperCase() : 'STOP'}`;
  }
  if (source === 'free_text' && to === 'opted_out') return 'Opted out: the client asked to stop in their own words, and a person confirmed it';
  if (source === 'import') return `Consent recorded at intake: ${consentStates[to] ?? to}`;
  if (source === 'system' && to === 'requested') return 'Consent requested (the consent request was sent)';
  if (source === 'firm') return `Consent changed by the firm: ${consentStates[from] ?? (from || 'none')} to ${consentStates[to] ?? to}`;
  return `Consent: ${consentStates[from] ?? (from || 'none')} to ${consentStates[to] ?? to}`;
}

const auditWords: Record<string, string> = {
  'conversation.assigned': 'Conversation filed under this matter',
  'conversation.assignee_changed': 'Conversation assigned',
  'conversation.done': 'Conversation marked done',
  'conversation.reopened': 'Conversation reopened',
  'conversation.snoozed': 'Conversation snoozed',
  'conversation.note_added': 'Internal note added',
  'matter.created': 'Matter opened',
  'matter.updated': 'Matter details changed',
  'matter.closed': 'Matter closed',
  'matter.reopened': 'Matter reopened',
  'matter.member_added': 'Added to the matter\'s team',
  'matter.member_removed': 'Taken off the matter\'s team',
  'matter.wall_added': 'Ethical wall put up',
  'matter.wall_removed': 'Ethical wall taken down',
  'matter.legal_hold_placed': 'Legal hold placed',
  'matter.legal_hold_lifted': 'Legal hold lifted',
  'matter.export_started': 'Record export started',
  'matter.exported': 'Record exported',
  'privilege.marked': 'Privilege asserted',
  'privilege.withdrawn': 'Privilege mark withdrawn',
  'matter_event.created': 'Reminder scheduled',
  'matter_event.changed': 'Reminder moved',
  'matter_event.cancelled': 'Reminder cancelled',
  'message.resent': 'Message sent again',
  'message.send_requested': 'Message send requested',
  'notice.sent': 'Notice sent',
  'retention.purged': 'Messages purged under the retention policy',
  'time_entry.approve': 'Time approved',
  'time_entry.unapprove': 'Time approval withdrawn',
  'time_entry.write_off': 'Time written off',
  'time_entry.restore': 'Written-off time restored',
  'time_entry.edited': 'Time entry corrected',
  'time_entry.split': 'Time entry split',
  'time_entry.merged': 'Time entries merged',
  'client.created': 'Client created',
  'client.updated': 'Client details changed',
  'client.number_changed': 'Client number changed',
  'client.closed': 'Client closed',
  'client.reopened': 'Client reopened',
};

/** An audit action's words, or the action itself made readable ("consent.free_text_review" → "Consent free text review"). */
export function describeAction(action: string): string {
  const known = auditWords[action];
  if (known) return known;
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The details of an audit event a reviewer needs, in words; never a JSON dump. */
function auditDetail(action: string, details: Data): string {
  const reason = text(details.reason);
  switch (action) {
    case 'conversation.snoozed':
      return details.until ? `until ${text(details.until)}` : '';
    case 'conversation.note_added':
      return 'the note itself is a separate entry of the file';
    case 'matter.member_added':
      return [text(details.name), details.memberRole === 'responsible' ? 'as the responsible lawyer' : 'as a member'].filter(Boolean).join(' ');
    case 'matter.wall_added':
      return [text(details.name), reason ? `because: ${reason}` : ''].filter(Boolean).join(', ');
    case 'matter.updated':
    case 'matter.closed':
    case 'matter.reopened':
    case 'client.updated': {
      const from = (details.from ?? {}) as Data;
      const to = (details.to ?? {}) as Data;
      return Object.keys(to)
        .map((field) => `${field}: ${text(from[field]) || '—'} → ${text(to[field]) || '—'}`)
        .join('; ');
    }
    case 'retention.purged':
      return `${text(details.messages)} messages, ${text(details.attachments)} files`;
    default: {
      if (reason) return `reason: ${reason}`;
      if (details.number) return text(details.number);
      return '';
    }
  }
}

/** One timeline item of the matter file (matter-timeline.ts) in words. */
export function describeTimelineItem(item: { kind: string; data: Data }): DescribedEvent {
  const d = item.data;
  switch (item.kind) {
    case 'message': {
      const inbound = d.direction === 'inbound';
      const body = d.deletedBySender ? '(deleted by the sender)' : text(d.editedText) || text(d.text) || `(${text(d.kind)})`;
      const marks = [d.editedText ? 'edited' : '', d.afterHours ? 'after hours' : '', inbound ? '' : text(d.status)].filter(Boolean).join(', ');
      return { what: inbound ? 'Client wrote' : 'Firm wrote', who: inbound ? nameOf(d.contact) : nameOf(d.author), detail: marks ? `${body} [${marks}]` : body };
    }
    case 'auto_reply':
      return { what: 'Automatic reply', who: 'Matterline', detail: `${text(d.text)}${d.purpose ? ` [${text(d.purpose).replace(/_/g, ' ')}]` : ''}` };
    case 'media':
      return { what: 'File', who: '', detail: `${text(d.fileName) || text(d.mimeType)}${d.state === 'stored' ? '' : ` (${text(d.state)})`}` };
    case 'consent':
      return { what: describeConsent(d), who: '', detail: [d.text ? `“${text(d.text)}”` : '', text(d.note)].filter(Boolean).join(' — ') };
    case 'note':
      return { what: 'Internal note (not sent to the client)', who: nameOf(d.author), detail: text(d.text) };
    case 'time_entry': {
      const state = text(d.state);
      const verb = state === 'draft' ? 'drafted' : state === 'written_off' ? 'written off' : state;
      return { what: `Time: ${text(d.hours)} h ${verb}`, who: nameOf(d.user), detail: `${text(d.date)}: ${text(d.narrative)}` };
    }
    default: {
      const action = text(d.action);
      return { what: describeAction(action), who: nameOf(d.actor) || (d.actorKind === 'system' ? 'Matterline' : text(d.actorKind)), detail: auditDetail(action, (d.details ?? {}) as Data) };
    }
  }
}

/** A moment in the firm's time zone, as the file and its transcript state it ("Sat, Dec 5, 2026, 9:04 AM EST"). */
export function firmTime(at: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(at));
}
