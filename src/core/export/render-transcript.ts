import { DateTime } from 'luxon';
import type { MatterSummary } from '../matter-file/matter-summary.js';
import type { TimelineItem } from '../matter-file/matter-timeline.js';
import { escapeHtml } from '../search/search-text.js';
import { describeTimelineItem } from '../matter-file/describe-event.js';

// transcript.html: the matter's record as a person reads it, one self-contained page (no scripts, no remote assets),
// rendered a timeline item at a time.

export interface TranscriptContext {
  matter: MatterSummary;
  firmName: string;
  timeZone: string;
  exportedAt: Date;
  exportedBy: string;
  /** The ZIP path of each attachment that was included; absent ones are listed as missing. */
  mediaPaths: ReadonlyMap<string, string>;
}

/** A moment as the transcripts (HTML and PDF) state it, in the firm's time zone. */
export const transcriptTime = (at: Date | string, timeZone: string): string => DateTime.fromJSDate(new Date(at)).setZone(timeZone).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');

export function transcriptHeader(context: TranscriptContext): string {
  const { matter } = context;
  const members = matter.members.map((member) => `${escapeHtml(member.name)} (${escapeHtml(member.role)})`).join(', ') || '—';
  const conversations = matter.conversations
    .map((c) => `<li>${escapeHtml(c.channel)} · ${escapeHtml(c.contact?.displayName ?? c.title ?? '')} ${escapeHtml(c.contact?.address ?? '')}${c.privilegeRisk ? ' · <strong>group with a third party (privilege risk)</strong>' : ''}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'none'">
<title>${escapeHtml(matter.number)} — ${escapeHtml(matter.title)}: messaging record</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:56rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.4rem;vertical-align:top}
td.when{white-space:nowrap;color:#555;width:13rem}td.who{width:12rem}.text{white-space:pre-wrap}
tr.inbound td.who{color:#0b5394}tr.event td{color:#555;font-size:90%}.missing{color:#a61c00}
</style></head><body>
<h1>${escapeHtml(matter.number)} — ${escapeHtml(matter.title)}</h1>
<p>${escapeHtml(context.firmName)} · client ${escapeHtml(matter.client.name)} · status ${escapeHtml(matter.status)}${matter.legalHold ? ' · <strong>on legal hold</strong>' : ''}</p>
<p>Members: ${members}</p>
<ul>${conversations}</ul>
<p>Exported ${escapeHtml(transcriptTime(context.exportedAt, context.timeZone))} by ${escapeHtml(context.exportedBy)}. Times are in ${escapeHtml(context.timeZone)}. manifest.json lists the SHA-256 of every file of this export.</p>
<table>
`;
}

type Data = Record<string, unknown>;

/** One item of the file as a row: when (in the firm's time zone), what in words, who, and the detail. */
export function transcriptRow(item: TimelineItem, context: TranscriptContext): string {
  const data = item.data as Data;
  const at = `<td class="when">${escapeHtml(transcriptTime(item.at, context.timeZone))}</td>`;
  if (item.kind === 'media') {
    const path = context.mediaPaths.get(item.id);
    const name = escapeHtml(String(data.fileName ?? data.mimeType ?? 'file'));
    const link = path ? `<a href="${escapeHtml(encodeURI(path))}" download rel="noopener noreferrer">${name}</a>` : `${name} <span class="missing">(not in this export; see manifest.json)</span>`;
    return `<tr class="event">${at}<td class="who">File</td><td>${link}</td></tr>\n`;
  }
  const event = describeTimelineItem(item);
  const message = item.kind === 'message' || item.kind === 'auto_reply';
  const rowClass = message ? (data.direction === 'inbound' ? 'inbound' : 'outbound') : item.kind === 'note' ? 'event note' : 'event';
  const who = [event.what, event.who].filter(Boolean).join(' · ');
  return `<tr class="${rowClass}">${at}<td class="who">${escapeHtml(who)}</td><td><div class="text">${escapeHtml(event.detail)}</div></td></tr>\n`;
}

export const transcriptFooter = (): string => '</table>\n</body></html>\n';
