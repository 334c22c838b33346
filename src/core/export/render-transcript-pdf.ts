import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { TimelineItem } from '../matter-file/matter-timeline.js';
import { describeTimelineItem } from '../matter-file/describe-event.js';
import type { TranscriptContext } from './render-transcript.js';
import { transcriptTime } from './render-transcript.js';

// transcript.pdf: the same record as transcript.html, for a reader who files or prints it. DejaVu Sans (embedded,
// subset) carries Latin with its accents, Greek and Cyrillic; a character no font has (an emoji) prints as a box, and
// record.json keeps the exact text.

const require = createRequire(import.meta.url);
const fonts = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};

const grey = '#555555';
const margin = 50;

/**
 * Writes the transcript as PDF bytes while the timeline is read: each chunk pdfkit produces is yielded after the item
 * that produced it, so a matter of any size renders in bounded memory. Every page carries the matter and its number.
 */
export async function* transcriptPdf(items: AsyncIterable<TimelineItem>, context: TranscriptContext): AsyncGenerator<Buffer> {
  const { matter } = context;
  const doc = new PDFDocument({
    size: 'A4',
    margin,
    info: { Title: `${matter.number} — ${matter.title}: messaging record`, Author: context.firmName, Creator: 'Matterline', CreationDate: context.exportedAt },
    lang: 'en',
    displayTitle: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);

  let pageNumber = 1;
  const footer = () => {
    // Written inside the bottom margin, which must not start another page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('body').fontSize(8).fillColor(grey).text(`${matter.number} — ${matter.title} · ${context.firmName} · page ${pageNumber}`, margin, doc.page.height - 30, { width: doc.page.width - 2 * margin, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
    doc.x = margin;
    doc.y = doc.page.margins.top;
  };
  footer();
  doc.on('pageAdded', () => {
    pageNumber++;
    footer();
  });
  const drain = function* (): Generator<Buffer> {
    while (chunks.length > 0) yield chunks.shift()!;
  };

  doc.font('bold').fontSize(16).fillColor('black').text(`${matter.number} — ${matter.title}`);
  doc.moveDown(0.3);
  const facts = [`${context.firmName} · client ${matter.client.name} · status ${matter.status}`, `Members: ${matter.members.map((m) => `${m.name} (${m.role})`).join(', ') || '—'}`];
  if (matter.legalHold) facts.push(`On legal hold${matter.legalHold.reason ? `: ${matter.legalHold.reason}` : ''}`);
  for (const c of matter.conversations) {
    facts.push(`${c.channel} · ${c.contact?.displayName ?? c.title ?? ''} ${c.contact?.address ?? ''}${c.privilegeRisk ? ' · group with a third party (privilege risk)' : ''}`);
  }
  facts.push(`Exported ${transcriptTime(context.exportedAt, context.timeZone)} by ${context.exportedBy}. Times are in ${context.timeZone}.`);
  doc.font('body').fontSize(10);
  for (const line of facts) doc.text(line);
  doc.moveDown();

  for await (const item of items) {
    writeItem(doc, item, context);
    yield* drain();
    // pdfkit pushes into its stream on the next tick; let it before reading on.
    await new Promise<void>((resolve) => setImmediate(resolve));
    yield* drain();
  }
  doc.end();
  await ended;
  yield* drain();
}

function writeItem(doc: PDFKit.PDFDocument, item: TimelineItem, context: TranscriptContext): void {
  const data = item.data as Record<string, unknown>;
  const width = doc.page.width - 2 * margin;
  // Keep a heading with at least one line of its text.
  if (doc.y + 40 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const at = transcriptTime(item.at, context.timeZone);
  let heading: string;
  let detail: string;
  if (item.kind === 'media') {
    const path = context.mediaPaths.get(item.id);
    heading = 'File';
    detail = `${String(data.fileName ?? data.mimeType ?? 'file')} — ${path ? `in this export as ${path}` : 'not in this export (see manifest.json)'}`;
  } else {
    const event = describeTimelineItem(item);
    heading = [event.what, event.who].filter(Boolean).join(' · ');
    detail = event.detail;
  }
  const message = item.kind === 'message' || item.kind === 'auto_reply';
  doc.font('body').fontSize(8).fillColor(grey).text(at, margin, doc.y, { width });
  doc.font('bold').fontSize(10).fillColor(message && data.direction === 'inbound' ? '#0b5394' : message ? 'black' : grey).text(heading, { width });
  if (detail) doc.font('body').fontSize(10).fillColor(message ? 'black' : grey).text(detail, { width });
  doc.moveDown(0.5);
}
