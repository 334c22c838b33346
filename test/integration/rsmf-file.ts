import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { readZip } from './export-zip.js';

// Reads an .rsmf back the way a review platform does: a MIME parser that shares no code with the writer (mailparser),
// the rsmf.zip attachment unzipped with yauzl, and the manifest validated against Relativity's published schema
// (test/fixtures/rsmf). Then the rules the schema cannot state, from the specification: every participant,
// conversation and attachment an event names exists, and the X-RSMF-* headers agree with the manifest.

export interface RsmfManifest {
  version: string;
  participants: { id: string; display?: string; email?: string; account_id?: string; custom?: { name: string; value: string }[] }[];
  conversations: { id: string; display?: string; platform: string; type?: string; participants: string[]; custodian?: string; custom?: { name: string; value: string }[] }[];
  events: RsmfManifestEvent[];
}

export interface RsmfManifestEvent {
  id?: string;
  type: string;
  body?: string;
  participant?: string;
  conversation?: string;
  timestamp?: string;
  direction?: string;
  deleted?: boolean;
  attachments?: { id: string; display?: string; size?: number }[];
  edits?: { participant: string; timestamp?: string; previous?: string; new?: string }[];
  reactions?: { value: string; count?: number; participants?: string[] }[];
  read_receipts?: { participant: string; timestamp?: string; action?: string }[];
  custom?: { name: string; value: string }[];
}

export interface RsmfFile {
  mail: ParsedMail;
  /** The X-RSMF-* headers, by lower-case name. */
  headers: Map<string, string>;
  zip: Map<string, Buffer>;
  manifest: RsmfManifest;
}

const schema = JSON.parse(readFileSync(new URL('../fixtures/rsmf/rsmf_schema_2_0_0.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
// The schema asks for "idn-email", which ajv-formats does not define: an address with one @ and no spaces.
ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
const validate = ajv.compile(schema);

export async function readRsmf(bytes: Buffer): Promise<RsmfFile> {
  const mail = await simpleParser(bytes);
  const headers = new Map<string, string>();
  for (const [name, value] of mail.headers) if (name.startsWith('x-rsmf-')) headers.set(name, String(value));
  const zips = mail.attachments.filter((a) => a.filename === 'rsmf.zip');
  if (zips.length !== 1) throw new Error(`an RSMF file has exactly one rsmf.zip attachment; this one has ${zips.length}`);
  const zip = await readZip(zips[0]!.content);
  const text = zip.get('rsmf_manifest.json');
  if (!text) throw new Error('rsmf.zip has no rsmf_manifest.json at its root');
  const manifest = JSON.parse(text.toString('utf8')) as RsmfManifest;
  if (!validate(manifest)) throw new Error(`the manifest does not match the RSMF 2.0.0 schema: ${ajv.errorsText(validate.errors as ErrorObject[])}`);
  checkReferences(manifest, zip);
  return { mail, headers, zip, manifest };
}

function checkReferences(manifest: RsmfManifest, zip: Map<string, Buffer>): void {
  const problems: string[] = [];
  const participants = new Set(manifest.participants.map((p) => p.id));
  const conversations = new Map(manifest.conversations.map((c) => [c.id, c]));
  if (participants.size !== manifest.participants.length) problems.push('participant ids are not unique');
  if (conversations.size !== manifest.conversations.length) problems.push('conversation ids are not unique');
  for (const conversation of manifest.conversations) {
    for (const id of conversation.participants) if (!participants.has(id)) problems.push(`conversation ${conversation.id} names participant ${id}, who is not in the manifest`);
    if (conversation.custodian && !conversation.participants.includes(conversation.custodian)) problems.push(`conversation ${conversation.id}'s custodian is not one of its participants`);
  }
  for (const event of manifest.events) {
    const where = `event ${event.id ?? '(no id)'}`;
    if (event.participant && !participants.has(event.participant)) problems.push(`${where}: participant ${event.participant} is not in the manifest`);
    if (event.conversation && !conversations.has(event.conversation)) problems.push(`${where}: conversation ${event.conversation} is not in the manifest`);
    for (const attachment of event.attachments ?? []) if (!zip.has(attachment.id)) problems.push(`${where}: attachment ${attachment.id} is not in rsmf.zip`);
    for (const edit of event.edits ?? []) if (!participants.has(edit.participant)) problems.push(`${where}: an edit's participant ${edit.participant} is not in the manifest`);
    for (const reaction of event.reactions ?? []) for (const id of reaction.participants ?? []) if (!participants.has(id)) problems.push(`${where}: a reaction's participant ${id} is not in the manifest`);
    for (const receipt of event.read_receipts ?? []) if (!participants.has(receipt.participant)) problems.push(`${where}: a receipt's participant ${receipt.participant} is not in the manifest`);
    for (const time of [event.timestamp, ...(event.edits ?? []).map((e) => e.timestamp), ...(event.read_receipts ?? []).map((r) => r.timestamp)]) {
      if (time !== undefined && !/Z$/.test(time)) problems.push(`${where}: ${time} is not in UTC`);
    }
  }
  if (problems.length > 0) throw new Error(`the manifest's references do not hold:\n${problems.join('\n')}`);
}
