import type { ChannelKindName } from '../bridge-events.js';
import { normalizeMimeType } from '../blobs/mime-type.js';
import { AppError } from '../errors.js';

// What each channel takes as a file, checked when the lawyer sends, with the limit in words, rather than failing
// later in the queue.
// - WhatsApp Cloud API (developers.facebook.com/docs/whatsapp/cloud-api/reference/media#supported-media-types): images
//   JPEG/PNG to 5 MB, video MP4/3GPP and audio AAC/AMR/MP3/MP4/OGG to 16 MB, documents (text, PDF, Office) to 100 MB;
//   one file per message, a caption of at most 1,024 characters.
// - Twilio MMS (twilio.com/docs/messaging/guides/accepted-mime-types): up to 10 files, 5 MB for all of them together.
// - Signal: up to 100 MiB a file, several files per message.
// - WhatsApp on a linked phone (Baileys, whatsapp-web.js): one file per message; Matterline holds a file in memory to
//   send it, so 100 MB.
// - The simulator: 16 MB a file, as for what the pretend phone sends.

export interface OutboundFile {
  fileName: string;
  mimeType: string;
  data: Buffer;
}

/** At most this many files in one send request, on every channel. */
export const maxFilesPerSend = 10;

const MB = 1024 * 1024;

type FileKind = 'image' | 'video' | 'audio' | 'document';

/** How a channel shows a file: a picture, a video, a voice or audio file, or a document. */
export function fileKindOf(mimeType: string): FileKind {
  const type = normalizeMimeType(mimeType).split(';')[0]!;
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

interface ChannelMediaRule {
  /** Files one provider message carries; more are sent as messages of their own. */
  filesPerMessage: number;
  /** The longest caption; longer text goes as its own message before the files. */
  captionMax: number;
  /** The largest file of this type, or undefined when the channel does not take the type. */
  maxSizeOf(type: string): number | undefined;
  /** All files of one message together at most this (Twilio). */
  maxTotal?: number;
  name: string;
}

const cloudTypes: Record<string, number> = {
  'image/jpeg': 5 * MB,
  'image/png': 5 * MB,
  'video/mp4': 16 * MB,
  'video/3gpp': 16 * MB,
  'audio/aac': 16 * MB,
  'audio/amr': 16 * MB,
  'audio/mpeg': 16 * MB,
  'audio/mp4': 16 * MB,
  'audio/ogg': 16 * MB,
  'text/plain': 100 * MB,
  'application/pdf': 100 * MB,
  'application/msword': 100 * MB,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 100 * MB,
  'application/vnd.ms-excel': 100 * MB,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 100 * MB,
  'application/vnd.ms-powerpoint': 100 * MB,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 100 * MB,
};

// Twilio's accepted types: images, audio and video, and these documents.
const twilioDocuments = new Set(['application/pdf', 'text/vcard', 'text/x-vcard', 'text/calendar', 'text/csv', 'text/rtf', 'text/richtext', 'text/plain']);

const rules: Record<ChannelKindName, ChannelMediaRule> = {
  whatsapp_cloud: { name: 'WhatsApp (Cloud API)', filesPerMessage: 1, captionMax: 1024, maxSizeOf: (type) => cloudTypes[type] },
  twilio: {
    name: 'MMS through Twilio',
    filesPerMessage: 10,
    captionMax: 1600,
    maxTotal: 5 * MB,
    maxSizeOf: (type) => (/^(image|audio|video)\//.test(type) || twilioDocuments.has(type) ? 5 * MB : undefined),
  },
  signal: { name: 'Signal', filesPerMessage: 10, captionMax: 100_000, maxSizeOf: () => 100 * MB },
  baileys: { name: 'WhatsApp (linked phone)', filesPerMessage: 1, captionMax: 4096, maxSizeOf: () => 100 * MB },
  whatsapp_web: { name: 'WhatsApp (linked phone)', filesPerMessage: 1, captionMax: 4096, maxSizeOf: () => 100 * MB },
  simulator: { name: 'the simulator', filesPerMessage: 10, captionMax: 100_000, maxSizeOf: () => 16 * MB },
};

const inWords = (bytes: number) => (bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} kB`);

/** Refuses, naming the file and the limit, what the channel would not take. */
export function checkFiles(kind: ChannelKindName, files: readonly OutboundFile[]): void {
  if (files.length === 0) return;
  const rule = rules[kind];
  const problems: { path: string; message: string }[] = [];
  if (files.length > maxFilesPerSend) problems.push({ path: 'files', message: `at most ${maxFilesPerSend} files in one send; this one has ${files.length}` });
  files.forEach((file, index) => {
    const type = normalizeMimeType(file.mimeType).split(';')[0]!;
    const max = rule.maxSizeOf(type);
    const name = `"${file.fileName}"`;
    if (file.data.length === 0) problems.push({ path: `files[${index}]`, message: `${name} is empty` });
    else if (max === undefined) problems.push({ path: `files[${index}]`, message: `${name}: ${rule.name} does not take ${type} files` });
    else if (file.data.length > max) {
      problems.push({ path: `files[${index}]`, message: `${name} is ${inWords(file.data.length)}; ${rule.name} takes ${type} files up to ${inWords(max)}` });
    }
  });
  if (rule.maxTotal !== undefined) {
    for (const group of groupFiles(kind, files)) {
      const total = group.reduce((sum, file) => sum + file.data.length, 0);
      if (total > rule.maxTotal) {
        problems.push({ path: 'files', message: `the files come to ${inWords(total)}; ${rule.name} takes at most ${inWords(rule.maxTotal)} in one message` });
      }
    }
  }
  if (problems.length > 0) {
    throw new AppError('bad_request', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
  }
}

/** The files split into the provider messages that carry them. */
export function groupFiles<T>(kind: ChannelKindName, files: readonly T[]): T[][] {
  const size = rules[kind].filesPerMessage;
  const groups: T[][] = [];
  for (let from = 0; from < files.length; from += size) groups.push(files.slice(from, from + size));
  return groups;
}

/**
 * Whether text can be the caption of this file on this channel (else it is a message of its own, sent first): short
 * enough, and not on a WhatsApp audio message, which has no caption.
 */
export const fitsCaption = (kind: ChannelKindName, text: string, mimeType: string): boolean =>
  text.length <= rules[kind].captionMax && !(rules[kind].filesPerMessage === 1 && fileKindOf(mimeType) === 'audio');
