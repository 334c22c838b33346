import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pkg from 'whatsapp-web.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresRemoteAuthStore } from '../../../src/bridges/whatsapp-web/postgres-remote-auth-store.js';
import { WhatsAppWebBridge } from '../../../src/bridges/whatsapp-web/whatsapp-web-bridge.js';
import type { CredentialStore } from '../../../src/core/credentials/credential-store.js';
import { createPostgresCredentialStore } from '../../../src/core/credentials/postgres-credential-store.js';
import { createKeyring } from '../../../src/core/crypto/secret-box.js';
import { waitFor } from '../../support/matterline.js';
import * as fixtures from '../../fixtures/whatsapp-web/messages.js';
import { fakeClientMaker } from './support/fake-whatsapp-web-client.js';
import type { SocketHarness } from './support/socket-harness.js';
import { startSocketHarness } from './support/socket-harness.js';

// whatsapp-web.js driven through a Client-like EventEmitter emitting Message-shaped objects; captures go through the
// core into a real database.

const { MessageMedia } = pkg;

describe('WhatsApp through whatsapp-web.js', () => {
  let harness: SocketHarness;
  let credentials: CredentialStore;
  let bridge: WhatsAppWebBridge;
  const clients = fakeClientMaker();
  const account = () => harness.app.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: harness.accountId } });
  const storedOnce = async (providerMessageId: string) => {
    const rows = await waitFor(async () => {
      const found = await harness.stored(providerMessageId);
      return found.length > 0 ? found : null;
    }, { what: `message ${providerMessageId}`, timeoutMs: 10_000 });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };

  beforeAll(async () => {
    harness = await startSocketHarness('whatsapp_web');
    credentials = createPostgresCredentialStore({ pool: harness.app.db.pool, keyring: createKeyring(randomBytes(32)), accountId: harness.accountId });
    bridge = new WhatsAppWebBridge(harness.context({ reconnectBaseMs: 20, reconnectMaxMs: 50, silentAfterMs: 0 }), {
      credentials,
      pool: harness.app.db.pool,
      makeClient: clients.make,
    });
    await bridge.start();
  });
  afterAll(async () => {
    await bridge?.stop();
    await harness?.stop();
  });

  it('initializes the client, shows the QR code while linking, and reports connected when ready', async () => {
    const client = clients.latest();
    expect(client.initialized).toBe(true);
    client.emit('qr', '2@wweb-qr');
    await waitFor(async () => (await account()).qrCode === '2@wweb-qr', { what: 'the QR code' });
    expect((await account()).state).toBe('linking');
    client.emit('authenticated');
    client.emit('ready');
    await waitFor(async () => (await account()).state === 'connected', { what: 'connected' });
  });

  it('captures an inbound message inside the listener, with the sender and a quoted reply', async () => {
    const first = fixtures.inboundText('Is my hearing still on?');
    await clients.latest().deliver('message', first);
    const row = (await harness.stored(first.id.id))[0]!;
    expect(row).toMatchObject({ direction: 'inbound', kind: 'text', text: 'Is my hearing still on?' });
    expect(row.identity).toMatchObject({ address: '+15551230001', displayName: 'Maria Client' });
    const reply = fixtures.inboundText('answering this', { quoted: first.id.id });
    clients.latest().emit('message', reply);
    expect(await storedOnce(reply.id.id)).toMatchObject({ replyToId: row.id });
  });

  it('captures media as references with the file hash and caption, and ciphertext as unsupported with raw data', async () => {
    const image = fixtures.inboundImage('the signed page');
    const cipher = fixtures.ciphertext();
    clients.latest().emit('message', image);
    clients.latest().emit('message', cipher);
    const row = await storedOnce(image.id.id);
    expect(row).toMatchObject({ kind: 'image', text: 'the signed page' });
    expect(row.attachments[0]).toMatchObject({ mimeType: 'image/jpeg', size: 48213, sha256: 'c'.repeat(64), providerMediaId: '/v/t62.7118-24/image.enc' });
    const cipherRow = await storedOnce(cipher.id.id);
    expect(cipherRow).toMatchObject({ kind: 'unsupported' });
    expect(cipherRow.raw).toMatchObject({ message: { type: 'ciphertext' } });
  });

  it('keeps the file itself, through the library\'s downloadMedia, checked against the hash the message announced', async () => {
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(30_000)]);
    const sha = createHash('sha256').update(photo).digest();
    const withFile = (bytes: Buffer, announced: Buffer) => {
      const image = fixtures.inboundImage('The signed lease');
      const raw = (image as unknown as { rawData: Record<string, unknown> }).rawData;
      raw.filehash = announced.toString('base64');
      raw.size = bytes.length;
      // whatsapp-web.js' own MessageMedia, as message.downloadMedia() resolves it once WhatsApp Web decrypted the file.
      return Object.assign(image, { downloadMedia: async () => new MessageMedia('image/jpeg', bytes.toString('base64'), 'lease.jpg') });
    };
    const good = withFile(photo, sha);
    clients.latest().emit('message', good);
    const row = await storedOnce(good.id.id);
    expect(row.attachments[0]).toMatchObject({ state: 'stored', sha256: sha.toString('hex'), blobKey: sha.toString('hex'), size: photo.length, mimeType: 'image/jpeg' });
    // Bytes that are not the announced file are not kept.
    const wrong = withFile(randomBytes(1000), sha);
    clients.latest().emit('message', wrong);
    const refused = await storedOnce(wrong.id.id);
    expect(refused.attachments[0]!.blobKey).toBeNull();
  });

  it('sends a file as whatsapp-web.js’ own MessageMedia: a document with its name and caption, a picture inline', async () => {
    const client = clients.latest();
    const pdf = Buffer.from('%PDF-1.7 signed engagement letter');
    await bridge.send({
      clientMessageId: 'file-1',
      to: '+15551230001',
      text: 'The signed letter',
      files: [{ attachmentId: 'a1', signedPath: '/media/outbound/a1', fileName: 'Engagement letter.pdf', mimeType: 'application/pdf', data: pdf }],
    });
    const sent = client.sent.at(-1)!;
    expect(sent.chatId).toBe('15551230001@c.us');
    expect(sent.content).toBeInstanceOf(pkg.MessageMedia);
    expect(sent.content).toMatchObject({ mimetype: 'application/pdf', filename: 'Engagement letter.pdf', data: pdf.toString('base64') });
    expect(sent.options).toEqual({ caption: 'The signed letter', sendMediaAsDocument: true });
    const photo = randomBytes(500);
    await bridge.send({ clientMessageId: 'file-2', to: '+15551230001', files: [{ attachmentId: 'a2', signedPath: '/x', fileName: 'scan.jpg', mimeType: 'image/jpeg', data: photo }] });
    expect(client.sent.at(-1)!.content).toMatchObject({ mimetype: 'image/jpeg', data: photo.toString('base64') });
    expect(client.sent.at(-1)!.options).toEqual({});
  });

  it('marks messages WhatsApp Web replays after a reconnect as backfilled, and live ones as not', async () => {
    // Sent ten minutes before this connection was ready: it arrived while the bridge was away.
    const replayed = fixtures.inboundText('sent while we were offline', { at: new Date(Date.now() - 10 * 60_000) });
    await clients.latest().deliver('message', replayed);
    expect(await storedOnce(replayed.id.id)).toMatchObject({ backfilled: true, text: 'sent while we were offline' });
    const live = fixtures.inboundText('sent just now');
    await clients.latest().deliver('message', live);
    expect(await storedOnce(live.id.id)).toMatchObject({ backfilled: false });
  });

  it('leaves a placeholder for a message that stayed encrypted, and still records it if it is decrypted later', async () => {
    const cipher = fixtures.ciphertext();
    await clients.latest().deliver('message_ciphertext_failed', cipher);
    const placeholder = await storedOnce(`${cipher.id.id}:undecryptable`);
    expect(placeholder).toMatchObject({ direction: 'inbound', kind: 'unsupported', text: null });
    expect(placeholder.identity).toMatchObject({ address: '+15551230001' });
    // WhatsApp Web decrypts it after all: the same id, now a text.
    const decrypted = { ...cipher, type: 'chat', body: 'the message itself', rawData: { ...(cipher as unknown as { rawData: object }).rawData, type: 'chat', body: 'the message itself' } } as unknown as typeof cipher;
    await clients.latest().deliver('message', decrypted);
    expect(await storedOnce(cipher.id.id)).toMatchObject({ kind: 'text', text: 'the message itself' });
  });

  it('files a sender known by a LID under the phone number WhatsApp Web gives for it (getContactLidAndPhone)', async () => {
    const client = clients.latest();
    client.lidPhones.set('48000111222@lid', '15551234444@c.us');
    const fromLid = fixtures.inboundText('writing from my LID', { from: '48000111222@lid' });
    await client.deliver('message', fromLid);
    const row = await storedOnce(fromLid.id.id);
    expect(row.identity).toMatchObject({ address: '+15551234444', aliases: ['48000111222@lid'] });
    // A LID WhatsApp Web knows no number for stays a LID.
    const unknownLid = fixtures.inboundText('no number known', { from: '48000999888@lid' });
    await client.deliver('message', unknownLid);
    expect((await storedOnce(unknownLid.id.id)).identity).toMatchObject({ address: '48000999888@lid' });
  });

  it('records the firm’s own messages from the phone (message_create) as outbound, but not Matterline’s own sends twice', async () => {
    const fromPhone = fixtures.ownText('Sent from the office phone');
    clients.latest().emit('message_create', fromPhone);
    expect(await storedOnce(fromPhone.id.id)).toMatchObject({ direction: 'outbound', status: 'sent' });
    const client = clients.latest();
    const sent = await bridge.send({ clientMessageId: 'm1', to: '+15551230001', text: 'From Matterline' });
    expect(client.sent.at(-1)).toEqual({ chatId: '15551230001@c.us', content: 'From Matterline', id: sent.providerMessageId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.stored(sent.providerMessageId)).toHaveLength(0);
  });

  it('moves a recorded outbound message forward with message_ack, never back', async () => {
    const own = fixtures.ownText('Your documents are ready');
    clients.latest().emit('message_create', own);
    await storedOnce(own.id.id);
    for (const ack of [2, 3, 2]) await clients.latest().deliver('message_ack', own, ack);
    const row = (await harness.stored(own.id.id))[0]!;
    expect(row.status).toBe('read');
    expect(row.statusEvents.map((e) => e.status).sort()).toEqual(['delivered', 'read']);
  });

  it('records edits, revokes and reactions as new events linked to the original, which stays', async () => {
    const original = fixtures.inboundText('Meet at 10');
    clients.latest().emit('message', original);
    const target = await storedOnce(original.id.id);
    const edited = Object.assign(Object.create(null) as object, original, { body: 'Meet at 11', latestEditSenderTimestampMs: Date.now() });
    await clients.latest().deliver('message_edit', edited, 'Meet at 11', 'Meet at 10');
    await clients.latest().deliver('message_edit', edited, 'Meet at 11', 'Meet at 10');
    const revoked = Object.assign({}, original, { type: 'revoked', body: '' });
    await clients.latest().deliver('message_revoke_everyone', revoked, original);
    await clients.latest().deliver('message_reaction', fixtures.reaction(original, '🙏'));
    const related = await harness.app.db.prisma.message.findMany({ where: { relatesToId: target.id }, orderBy: { kind: 'asc' } });
    expect(related.map((m) => [m.kind, m.text]).sort()).toEqual([['deletion', null], ['edit', 'Meet at 11'], ['reaction', '🙏']]);
    const after = await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: target.id } });
    expect(after).toMatchObject({ text: 'Meet at 10', editedText: 'Meet at 11', deletedBySender: true });
  });

  it('applies an edit or revoke only to the sender’s own message in the same chat; a forged one is kept and changes nothing', async () => {
    const own = fixtures.ownText('Your hearing is on the 3rd');
    clients.latest().emit('message_create', own);
    const reply = await storedOnce(own.id.id);
    const original = fixtures.inboundText('My deposit was 1,200');
    clients.latest().emit('message', original);
    const target = await storedOnce(original.id.id);
    // The client's side reports an edit and a revoke of the firm's reply, as if they had written it.
    const claimed = { fromMe: false, from: fixtures.clientChat, to: fixtures.firmChat };
    const forgedOnReply = Object.assign(Object.create(null) as object, own, claimed, { body: 'You never told me', latestEditSenderTimestampMs: Date.now() });
    await clients.latest().deliver('message_edit', forgedOnReply, 'You never told me', 'Your hearing is on the 3rd');
    const revokedReply = Object.assign({}, own, claimed, { type: 'revoked', body: '', timestamp: Math.floor(Date.now() / 1000) });
    await clients.latest().deliver('message_revoke_everyone', revokedReply, null);
    // Another client's chat reports an edit of this client's message.
    const across = Object.assign(Object.create(null) as object, original, { from: '15551239999@c.us', body: 'My deposit was 0', latestEditSenderTimestampMs: Date.now() + 1 });
    await clients.latest().deliver('message_edit', across, 'My deposit was 0', 'My deposit was 1,200');
    const forged = await waitFor(
      async () => {
        const rows = await harness.app.db.prisma.message.findMany({ where: { accountId: harness.accountId, kind: { in: ['edit', 'deletion'] }, text: { in: ['You never told me', 'My deposit was 0'] } } });
        const deletions = await harness.app.db.prisma.message.findMany({ where: { accountId: harness.accountId, providerMessageId: `${own.id.id}:revoke` } });
        return rows.length === 2 && deletions.length === 1 ? [...rows, ...deletions] : null;
      },
      { what: 'the forged edits and revoke to be kept' },
    );
    expect(forged.map((m) => m.relatesToId)).toEqual([null, null, null]);
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({
      text: 'Your hearing is on the 3rd',
      editedText: null,
      deletedBySender: false,
    });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ editedText: null, deletedBySender: false });
  });

  it('stores the same message delivered twice once, and ignores malformed events without storing anything', async () => {
    const before = await harness.messageCount();
    const twice = fixtures.inboundText('once please');
    await clients.latest().deliver('message', twice);
    await clients.latest().deliver('message', twice);
    for (const junk of [null, {}, { id: {} }, { id: { id: 'x' } }, 'text']) {
      await clients.latest().deliver('message', junk);
      await clients.latest().deliver('message_ack', junk, 3);
      await clients.latest().deliver('message_reaction', junk);
    }
    expect(await harness.stored(twice.id.id)).toHaveLength(1);
    expect(await harness.messageCount()).toBe(before + 1);
  });

  it('reconnects after a transient disconnect, and stops as logged out on LOGOUT, clearing the session', async () => {
    await credentials.set([{ key: 'remote-auth:RemoteAuth-x', value: Buffer.from('zip') }]);
    const made = clients.clients.length;
    clients.latest().emit('disconnected', 'NAVIGATION');
    await waitFor(async () => clients.clients.length === made + 1, { what: 'a new client' });
    expect(clients.clients[made - 1]!.destroyed).toBe(true);
    clients.latest().emit('ready');
    await waitFor(async () => (await account()).state === 'connected', { what: 'connected again' });
    clients.latest().emit('disconnected', 'LOGOUT');
    await waitFor(async () => (await account()).state === 'logged_out', { what: 'logged out' });
    expect(await credentials.keys()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(clients.clients.length).toBe(made + 1);
  });

  it('keeps the RemoteAuth session zip encrypted in PostgreSQL and gives it back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wweb-'));
    const store = createPostgresRemoteAuthStore({ credentials, dataPath: dir });
    const zip = randomBytes(2048);
    writeFileSync(path.join(dir, 'RemoteAuth-acct.zip'), zip);
    expect(await store.sessionExists({ session: 'RemoteAuth-acct' })).toBe(false);
    await store.save({ session: 'RemoteAuth-acct' });
    expect(await store.sessionExists({ session: 'RemoteAuth-acct' })).toBe(true);
    await store.extract({ session: 'RemoteAuth-acct', path: path.join(dir, 'out.zip') });
    expect(readFileSync(path.join(dir, 'out.zip')).equals(zip)).toBe(true);
    await store.delete({ session: 'RemoteAuth-acct' });
    expect(await store.sessionExists({ session: 'RemoteAuth-acct' })).toBe(false);
  });
});
