import { describe, expect, it } from 'vitest';
import { isActiveMimeType, normalizeMimeType } from '../../src/core/blobs/mime-type.js';
import { mediaPath } from '../../src/core/export/matter-media.js';

// What a stranger sends is stored and served as bytes, never as a page of ours or of the reviewer's.
describe('media types from outside the firm', () => {
  it.each([
    ['image/jpeg', 'image/jpeg'],
    ['Image/JPEG; charset=binary', 'image/jpeg; charset=binary'],
    ['audio/ogg; codecs=opus', 'audio/ogg; codecs=opus'],
    ['audio/ogg; codecs=opus; x', 'audio/ogg'],
    ['application/pdf', 'application/pdf'],
    ['text/html\r\nX-Injected: 1', 'application/octet-stream'],
    ['image/jpeg\nSet-Cookie: x=1', 'application/octet-stream'],
    ['jpeg', 'application/octet-stream'],
    ['image/', 'application/octet-stream'],
    ['', 'application/octet-stream'],
    ['a'.repeat(300), 'application/octet-stream'],
    ['image/jp eg', 'application/octet-stream'],
  ])('%j is stored as %s', (given, stored) => {
    expect(normalizeMimeType(given)).toBe(stored);
  });

  it.each(['text/html', 'TEXT/HTML; charset=utf-8', 'application/xhtml+xml', 'image/svg+xml', 'text/xml', 'application/xml', 'text/javascript', 'application/javascript', 'application/rss+xml'])(
    '%s is active: never served inline',
    (type) => expect(isActiveMimeType(type)).toBe(true),
  );
  it.each(['image/png', 'application/pdf', 'text/plain', 'audio/ogg', 'application/octet-stream'])('%s is not active', (type) => {
    expect(isActiveMimeType(type)).toBe(false);
  });

  it('names an exported file a browser would run so that a click downloads it', () => {
    expect(mediaPath({ id: 'a1', fileName: 'invoice.html', mimeType: 'text/html' })).toBe('media/a1-invoice.html.bin');
    expect(mediaPath({ id: 'a2', fileName: 'logo.svg', mimeType: 'application/octet-stream' })).toBe('media/a2-logo.svg.bin');
    expect(mediaPath({ id: 'a3', fileName: 'page', mimeType: 'application/xhtml+xml' })).toBe('media/a3-page.bin');
    expect(mediaPath({ id: 'a4', fileName: 'contract.pdf', mimeType: 'application/pdf' })).toBe('media/a4-contract.pdf');
    expect(mediaPath({ id: 'a5', fileName: '../../etc/passwd', mimeType: 'text/plain' })).toBe('media/a5-etc_passwd');
  });
});
