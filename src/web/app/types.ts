// The API's answers as the pages read them (the OpenAPI document at /api/openapi.json is the full contract).

export type Role = 'admin' | 'supervisor' | 'lawyer' | 'staff';
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Person {
  id: string;
  name: string;
}

export interface ConversationSummary {
  id: string;
  title: string | null;
  contact: { address: string | null; displayName: string | null; consentState: string | null };
  matter: { id: string; number: string; title: string } | null;
  needsTriage: boolean;
  privilegeRisk: boolean;
  lastMessageAt: string | null;
  unreadCount: number;
  attention?: { urgent: boolean; revocationPending: boolean; blocked: boolean };
  lastMessage?: { direction: 'inbound' | 'outbound'; kind: string; text: string | null; files: number } | null;
  assignee: Person | null;
  status: 'open' | 'done';
  snoozedUntil: string | null;
}

export interface ConversationDetail {
  id: string;
  kind: string;
  title: string | null;
  account: { id: string; kind: string; name: string; state: string };
  contact: {
    identityId: string;
    address: string;
    displayName: string | null;
    consentState: string;
    revocationPending: boolean;
    blocked: boolean;
  } | null;
  client: { id: string; name: string } | null;
  matter: { id: string; number: string; title: string; status: string } | null;
  flags: { needsTriage: boolean; routingNeedsConfirmation: boolean; privilegeRisk: boolean };
  assignee: Person | null;
  status: 'open' | 'done';
  doneAt: string | null;
  snoozedUntil: string | null;
  unreadCount: number;
}

export interface Attachment {
  id: string;
  fileName: string | null;
  mimeType: string;
  size: number | null;
  state: string;
}

export interface Message {
  id: string;
  direction: 'inbound' | 'outbound';
  kind: string;
  purpose: string;
  text: string | null;
  editedText: string | null;
  deletedBySender: boolean;
  status: string;
  author: Person | null;
  sentAt: string | null;
  capturedAt: string;
  scheduledFor: string | null;
  error: string | null;
  afterHours?: boolean;
  attachments: Attachment[];
}

export interface Note {
  id: string;
  conversationId: string;
  author: Person | null;
  text: string;
  createdAt: string;
}

export interface ComposerState {
  consent: {
    state: string | null;
    blocked: boolean;
    revocationPending: boolean;
    mayReceive: boolean;
    reason: string | null;
    requestedAt: string | null;
    nextRequestAt: string | null;
  };
  office: { hoursSet: boolean; open: boolean; nextOpening: string | null; timeZone: string | null; defaultWhenClosed: 'send_now' | 'hold' };
  window: { applies: boolean; open: boolean; closesAt: string | null };
  templates: { sendable: boolean; list?: { name: string; language: string; text: string }[] };
}

export interface Notification {
  id: string;
  kind: string;
  conversationId: string | null;
  messageId: string | null;
  text: string | null;
}

export interface CannedReply {
  id: string;
  name: string;
  language: string;
  body: string;
}
