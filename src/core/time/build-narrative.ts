import type { ActivityKind } from './time-rules.js';

export type ChannelKind = 'simulator' | 'baileys' | 'whatsapp_web' | 'signal' | 'whatsapp_cloud' | 'twilio';

export interface NarrativeActivity {
  kind: ActivityKind;
  /** The channel of the conversation the activity happened in; null when unknown. */
  channel: ChannelKind | null;
}

// The simulator plays a WhatsApp phone in demos, so its time reads as WhatsApp time.
const channelLabel: Record<ChannelKind, string> = {
  simulator: 'WhatsApp',
  baileys: 'WhatsApp',
  whatsapp_web: 'WhatsApp',
  whatsapp_cloud: 'WhatsApp',
  signal: 'Signal',
  twilio: 'SMS',
};
const labelOrder = ['WhatsApp', 'Signal', 'SMS'];

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * The entry's description as a client reads it on the bill, counted from its activities:
 * "WhatsApp with client re Smith v. Jones: 7 messages sent, 9 read, 1 document reviewed".
 */
export function buildNarrative(matterTitle: string, activities: readonly NarrativeActivity[]): string {
  const count = (kind: ActivityKind) => activities.filter((activity) => activity.kind === kind).length;
  const sent = count('message_sent');
  const read = count('message_read');
  const opened = count('document_opened');
  const documentsSent = count('document_sent');
  const parts: string[] = [];
  if (sent > 0) parts.push(plural(sent, 'message sent', 'messages sent'));
  if (read > 0) parts.push(sent > 0 ? `${read} read` : plural(read, 'message read', 'messages read'));
  if (opened > 0) parts.push(plural(opened, 'document reviewed', 'documents reviewed'));
  if (documentsSent > 0) parts.push(plural(documentsSent, 'document sent', 'documents sent'));
  const labels = new Set(activities.flatMap((activity) => (activity.channel ? [channelLabel[activity.channel]] : [])));
  const channels = labelOrder.filter((label) => labels.has(label));
  const medium = channels.length > 0 ? channels.join(' and ') : 'Messaging';
  const title = matterTitle.replace(/\s+/g, ' ').trim();
  return `${medium} with client re ${title}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}
