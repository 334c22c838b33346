import { describe, expect, it } from 'vitest';
import { mediaLinkLifetimeMs, signMediaLink, verifyMediaLink } from '../../src/core/attachments/signed-media-link.js';
import { checkFiles, fitsCaption, groupFiles } from '../../src/core/channel-rules/media-limits.js';
import { createKeyring } from '../../src/core/crypto/secret-box.js';

const MB = 1024 * 1024;
const file = (fileName: string, mimeType: string, size: number) => ({ fileName, mimeType, size });
const problem = (run: () => void) => {
  try {
    run();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('what each channel takes as a file', () => {
  it.each([
    ['whatsapp_cloud', file('a.pdf', 'application/pdf', 99 * MB), null],
    ['whatsapp_cloud', file('a.jpg', 'image/jpeg', 5 * MB), null],
    ['whatsapp_cloud', file('a.jpg', 'image/jpeg', 5 * MB + 1), '"a.jpg" is 5 MB; WhatsApp (Cloud API) takes image/jpeg files up to 5 MB'],
    ['whatsapp_cloud', file('a.gif', 'image/gif', 10), 'WhatsApp (Cloud API) does not take image/gif files'],
    ['whatsapp_cloud', file('v.ogg', 'audio/ogg; codecs=opus', 10), null],
    ['twilio', file('a.pdf', 'application/pdf', 4 * MB), null],
    ['twilio', file('a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 10), 'MMS through Twilio does not take'],
    ['signal', file('a.bin', 'application/octet-stream', 100 * MB), null],
    ['signal', file('a.bin', 'application/octet-stream', 100 * MB + 1), 'Signal takes application/octet-stream files up to 100 MB'],
    ['simulator', file('empty.txt', 'text/plain', 0), '"empty.txt" is empty'],
  ] as const)('%s: %o', (kind, given, expected) => {
    const message = problem(() => checkFiles(kind, [{ fileName: given.fileName, mimeType: given.mimeType, data: Buffer.alloc(given.size, 1) }]));
    if (expected === null) expect(message).toBeNull();
    else expect(message).toContain(expected);
  });

  it('carries one file per message where the channel does, up to ten elsewhere', () => {
    expect(groupFiles('whatsapp_cloud', [1, 2, 3])).toEqual([[1], [2], [3]]);
    expect(groupFiles('twilio', [1, 2, 3])).toEqual([[1, 2, 3]]);
  });

  it('keeps a text as a caption only where it fits: never on a WhatsApp voice note, never over the caption limit', () => {
    expect(fitsCaption('whatsapp_cloud', 'x'.repeat(1024), 'application/pdf')).toBe(true);
    expect(fitsCaption('whatsapp_cloud', 'x'.repeat(1025), 'application/pdf')).toBe(false);
    expect(fitsCaption('baileys', 'listen', 'audio/ogg')).toBe(false);
    expect(fitsCaption('signal', 'listen', 'audio/ogg')).toBe(true);
  });
});

describe('signed links to outbound files', () => {
  const keyring = createKeyring(Buffer.alloc(32, 7));
  const link = (path: string) => {
    const url = new URL(path, 'https://firm.example');
    return { id: decodeURIComponent(url.pathname.split('/').at(-1)!), query: Object.fromEntries(url.searchParams) };
  };

  it('opens the one file it was made for until it expires', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    const { id, query } = link(signMediaLink(keyring, 'att-1', now));
    expect(id).toBe('att-1');
    expect(verifyMediaLink(keyring, 'att-1', query, now)).toEqual({ ok: true });
    expect(verifyMediaLink(keyring, 'att-1', query, new Date(now.getTime() + mediaLinkLifetimeMs - 1000))).toEqual({ ok: true });
    expect(verifyMediaLink(keyring, 'att-1', query, new Date(now.getTime() + mediaLinkLifetimeMs + 1000))).toEqual({ ok: false, problem: 'the link has expired' });
    expect(verifyMediaLink(keyring, 'att-2', query, now)).toMatchObject({ ok: false });
    expect(verifyMediaLink(createKeyring(Buffer.alloc(32, 8)), 'att-1', query, now)).toMatchObject({ ok: false });
    expect(verifyMediaLink(keyring, 'att-1', { ...query, expires: String(Number(query.expires) + 1) }, now)).toMatchObject({ ok: false });
    expect(verifyMediaLink(keyring, 'att-1', {}, now)).toEqual({ ok: false, problem: 'the link is incomplete' });
  });

  it('still opens after the server key is rotated (the old key retired, not removed)', () => {
    const old = Buffer.alloc(32, 7);
    const { query } = link(signMediaLink(createKeyring(old), 'att-1'));
    expect(verifyMediaLink(createKeyring(Buffer.alloc(32, 9), [old]), 'att-1', query)).toEqual({ ok: true });
  });
});
