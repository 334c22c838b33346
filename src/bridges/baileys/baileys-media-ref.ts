import type { MediaType } from '@whiskeysockets/baileys';

// The reference a linked phone's media is kept under (Attachment.providerMediaId): what the message said about the
// file and its keys, as JSON. Free of Baileys' runtime, so the registry can recognise one without loading it.

/** What a message says about its media, kept as the attachment's provider reference (JSON). */
export interface BaileysMediaRef {
  kind: 'baileys-media';
  mediaType: MediaType;
  directPath: string | null;
  url: string | null;
  /** base64 */
  mediaKey: string;
  fileEncSha256: string | null;
  fileSha256: string | null;
  /**
   * The message the file came with (its key and the field of its content), so the phone can be asked to upload an
   * expired file again (Baileys' updateMediaMessage).
   */
  message?: { key: { remoteJid?: string | null; fromMe?: boolean | null; id?: string | null; participant?: string | null }; field: string };
}

export const encodeBaileysMediaRef = (ref: Omit<BaileysMediaRef, 'kind'>): string => JSON.stringify({ kind: 'baileys-media', ...ref });

export function decodeBaileysMediaRef(reference: string): BaileysMediaRef | null {
  try {
    const parsed = JSON.parse(reference) as Partial<BaileysMediaRef>;
    return parsed.kind === 'baileys-media' && typeof parsed.mediaKey === 'string' && typeof parsed.mediaType === 'string' ? (parsed as BaileysMediaRef) : null;
  } catch {
    return null;
  }
}

