import { describe, expect, it } from 'vitest';
import { mediaUrlOf } from '../../src/bridges/baileys/baileys-media.js';
import type { BaileysMediaRef } from '../../src/bridges/baileys/baileys-media-ref.js';
import { decodeBaileysMediaRef, encodeBaileysMediaRef } from '../../src/bridges/baileys/baileys-media-ref.js';

// Where the server goes for a linked phone's media: WhatsApp's media hosts only, whatever the message's url says.
const ref = (overrides: Partial<BaileysMediaRef>): BaileysMediaRef => ({
  kind: 'baileys-media',
  mediaType: 'image',
  directPath: '/v/t62.7118-24/abc.enc?ccb=9-4',
  url: null,
  mediaKey: Buffer.alloc(32, 1).toString('base64'),
  fileEncSha256: null,
  fileSha256: null,
  ...overrides,
});

describe('the URL of a linked phone\'s media', () => {
  it('takes the directPath on WhatsApp\'s media host, keeping a WhatsApp host the message names', () => {
    expect(mediaUrlOf(ref({}))).toBe('https://mmg.whatsapp.net/v/t62.7118-24/abc.enc?ccb=9-4');
    expect(mediaUrlOf(ref({ url: 'https://mmg-fna.whatsapp.net/v/t62.7118-24/abc.enc' }))).toBe('https://mmg-fna.whatsapp.net/v/t62.7118-24/abc.enc?ccb=9-4');
  });
  it.each(['https://evil.example/v/x.enc', 'http://169.254.169.254/latest/meta-data/', 'https://whatsapp.net.evil.example/x', 'http://127.0.0.1:5432/'])(
    'never goes where a sender\'s url points: %s',
    (url) => {
      expect(mediaUrlOf(ref({ url }))).toBe('https://mmg.whatsapp.net/v/t62.7118-24/abc.enc?ccb=9-4');
      expect(() => mediaUrlOf(ref({ url, directPath: null }))).toThrow(/no WhatsApp media path/);
    },
  );
  it('round-trips the reference kept on the attachment, and refuses anything else', () => {
    const kept = encodeBaileysMediaRef({ mediaType: 'document', directPath: '/d', url: null, mediaKey: 'a2V5', fileEncSha256: null, fileSha256: null });
    expect(decodeBaileysMediaRef(kept)).toMatchObject({ kind: 'baileys-media', mediaType: 'document', directPath: '/d' });
    expect(decodeBaileysMediaRef('/o1/v/t62.7118-24/plain-path.enc')).toBeNull();
    expect(decodeBaileysMediaRef('{"kind":"other"}')).toBeNull();
  });
});
