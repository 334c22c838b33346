import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaileysBridge } from '../../../src/bridges/baileys/baileys-bridge.js';
import { downloadBaileysMedia } from '../../../src/bridges/baileys/baileys-media.js';
import type { BaileysMediaRef } from '../../../src/bridges/baileys/baileys-media-ref.js';
import { createGuardedFetcher } from '../../../src/net/guarded-fetch.js';
import { createPostgresCredentialStore } from '../../../src/core/credentials/postgres-credential-store.js';
import type { CredentialStore } from '../../../src/core/credentials/credential-store.js';
import { createKeyring } from '../../../src/core/crypto/secret-box.js';
import type { SignalKeyStore } from '@whiskeysockets/baileys';
import { addTransactionCapability, encryptedStream, generateWAMessageContent, proto } from '@whiskeysockets/baileys';
import { LIDMappingStore } from '@whiskeysockets/baileys/lib/Signal/lid-mapping.js';
import pino from 'pino';
import { waitFor } from '../../support/matterline.js';
import * as fixtures from '../../fixtures/baileys/messages.js';
import { fakeSocketMaker } from './support/fake-baileys-socket.js';
import type { SocketHarness } from './support/socket-harness.js';
import { startSocketHarness } from './support/socket-harness.js';

// Baileys 7 driven through its own event buffer with payloads typed by its own proto definitions; every capture
// goes through the core into a real database.

describe('WhatsApp through Baileys 7', () => {
  let harness: SocketHarness;
  let credentials: CredentialStore;
  let bridge: BaileysBridge;
  const sockets = fakeSocketMaker();
  const account = () => harness.app.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: harness.accountId } });
  const storedOnce = async (providerMessageId: string) => {
    const rows = await waitFor(async () => {
      const found = await harness.stored(providerMessageId);
      return found.length > 0 ? found : null;
    }, { what: `message ${providerMessageId}`, timeoutMs: 10_000 });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  const upsert = (messages: ReturnType<typeof fixtures.textMessage>[], type: 'notify' | 'append' = 'notify') =>
    sockets.latest().ev.emit('messages.upsert', { messages, type });

  beforeAll(async () => {
    harness = await startSocketHarness('baileys');
    credentials = createPostgresCredentialStore({ pool: harness.app.db.pool, keyring: createKeyring(randomBytes(32)), accountId: harness.accountId });
    bridge = new BaileysBridge(harness.context({ reconnectBaseMs: 20, reconnectMaxMs: 50, silentAfterMs: 0 }), {
      credentials,
      pool: harness.app.db.pool,
      makeSocket: sockets.make,
    });
    await bridge.start();
  });
  afterAll(async () => {
    await bridge?.stop();
    await harness?.stop();
  });

  it('links with a QR code, keeps the creds encrypted in PostgreSQL, and reports connected', async () => {
    const socket = sockets.latest();
    socket.ev.emit('connection.update', { connection: 'connecting', qr: '2@QRDATA,abc,def' });
    await waitFor(async () => (await account()).state === 'linking', { what: 'linking' });
    expect((await account()).qrCode).toBe('2@QRDATA,abc,def');
    socket.ev.emit('creds.update', { me: { id: '15550009999:12@s.whatsapp.net', name: 'Firm' } });
    await waitFor(() => credentials.get('creds'), { what: 'the creds to be saved' });
    const creds = JSON.parse((await credentials.get('creds'))!.toString()) as { me?: { id: string }; noiseKey: unknown };
    expect(creds.me?.id).toBe('15550009999:12@s.whatsapp.net');
    const row = await harness.app.db.pool.query<{ value: Buffer }>(`SELECT value FROM "BridgeCredential" WHERE "accountId" = $1 AND key = 'creds'`, [harness.accountId]);
    expect(row.rows[0]!.value.includes(Buffer.from('15550009999'))).toBe(false);
    socket.ev.emit('connection.update', { connection: 'open' });
    await waitFor(async () => (await account()).state === 'connected', { what: 'connected' });
  });

  it('captures a text inside the handler: the handler resolves only once the message is in the record', async () => {
    const message = fixtures.textMessage('Did the court set a date?');
    await sockets.latest().deliver({ 'messages.upsert': { messages: [message], type: 'notify' } });
    const rows = await harness.stored(message.key.id!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ direction: 'inbound', kind: 'text', text: 'Did the court set a date?', backfilled: false });
    expect(rows[0]!.identity).toMatchObject({ address: '+15551230001', displayName: 'Maria Client' });
    expect(rows[0]!.identity!.aliases).toEqual([fixtures.lidJid]);
    expect(rows[0]!.conversation.externalId).toBe('+15551230001');
  });

  it('files a message that names the person only by LID under the same contact identity', async () => {
    const message = fixtures.textMessage('by lid', { key: { remoteJid: fixtures.lidJid, remoteJidAlt: undefined, addressingMode: 'lid' } });
    upsert([message]);
    const row = await storedOnce(message.key.id!);
    const first = await harness.app.db.prisma.contactIdentity.findMany({ where: { accountId: harness.accountId } });
    expect(first).toHaveLength(1);
    expect(row.identityId).toBe(first[0]!.id);
    expect(row.conversation.externalId).toBe('+15551230001');
  });

  it('captures media references (hash, mime, path) with captions and quoted replies', async () => {
    const original = fixtures.textMessage('Please send the lease');
    upsert([original]);
    const target = await storedOnce(original.key.id!);
    const image = fixtures.imageMessage('The lease, page 1', original.key.id!);
    const document = fixtures.documentMessage('lease.pdf');
    const reply = fixtures.replyMessage('see above', original.key.id!);
    upsert([image, document, reply]);
    const imageRow = await storedOnce(image.key.id!);
    expect(imageRow).toMatchObject({ kind: 'image', text: 'The lease, page 1', replyToId: target.id });
    expect(imageRow.attachments).toEqual([expect.objectContaining({ mimeType: 'image/jpeg', size: 48213, sha256: 'b'.repeat(64), sourceUrl: null })]);
    // The media job's reference: the path and the keys, never the sender's URL to fetch as it is.
    expect(JSON.parse(imageRow.attachments[0]!.providerMediaId!)).toMatchObject({
      kind: 'baileys-media',
      mediaType: 'image',
      directPath: '/o1/v/t62.7118-24/f1/m231/up-oil-image.enc?ccb=9-4',
      mediaKey: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(await storedOnce(document.key.id!)).toMatchObject({ kind: 'document', text: 'signed copy' });
    expect((await storedOnce(document.key.id!)).attachments[0]).toMatchObject({ fileName: 'lease.pdf', mimeType: 'application/pdf' });
    expect(await storedOnce(reply.key.id!)).toMatchObject({ kind: 'text', text: 'see above', replyToId: target.id });
  });

  it('records edits, deletions and reactions as new events linked to their target, which stays', async () => {
    const original = fixtures.textMessage('Meet at 10');
    upsert([original]);
    const target = await storedOnce(original.key.id!);
    const edit = fixtures.editMessage(original.key.id!, 'Meet at 11');
    const reaction = fixtures.reactionMessage(original.key.id!, '👍');
    const revoke = fixtures.revokeMessage(original.key.id!);
    upsert([edit, reaction, revoke]);
    // Baileys also reports the edit and revoke as messages.update; they must not be recorded a second time.
    sockets.latest().ev.emit('messages.update', [
      { key: { ...original.key }, update: { message: { editedMessage: { message: { conversation: 'Meet at 11' } } } } },
      { key: { ...original.key }, update: { message: null, messageStubType: proto.WebMessageInfo.StubType.REVOKE } },
    ]);
    expect(await storedOnce(edit.key.id!)).toMatchObject({ kind: 'edit', text: 'Meet at 11', relatesToId: target.id });
    expect(await storedOnce(reaction.key.id!)).toMatchObject({ kind: 'reaction', text: '👍', relatesToId: target.id });
    expect(await storedOnce(revoke.key.id!)).toMatchObject({ kind: 'deletion', relatesToId: target.id });
    const after = await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: target.id } });
    expect(after).toMatchObject({ text: 'Meet at 10', editedText: 'Meet at 11', deletedBySender: true });
  });

  it('applies an edit or deletion only to the sender’s own message in the same chat; a forged one is kept and changes nothing', async () => {
    const firmReply = fixtures.textMessage('Your hearing is on the 3rd', { key: { fromMe: true } });
    const clientText = fixtures.textMessage('My deposit was 1,200');
    upsert([firmReply, clientText]);
    const reply = await storedOnce(firmReply.key.id!);
    const own = await storedOnce(clientText.key.id!);
    expect(reply.direction).toBe('outbound');
    // The client "edits" and "deletes" the firm's reply; another client, from their own chat, edits this client's text.
    const forgedOnReply = fixtures.editMessage(firmReply.key.id!, 'You never told me about the hearing');
    const deleteReply = fixtures.revokeMessage(firmReply.key.id!);
    const otherChat = { remoteJid: '15551239999@s.whatsapp.net', remoteJidAlt: undefined };
    const forgedAcross = { ...fixtures.editMessage(clientText.key.id!, 'My deposit was 0'), key: fixtures.keyFrom(otherChat) };
    const reactionAcross = { ...fixtures.reactionMessage(clientText.key.id!, '😂'), key: fixtures.keyFrom(otherChat) };
    upsert([forgedOnReply, deleteReply, forgedAcross, reactionAcross]);
    for (const forged of [forgedOnReply, deleteReply, forgedAcross, reactionAcross]) {
      expect(await storedOnce(forged.key.id!)).toMatchObject({ relatesToId: null });
    }
    expect(await storedOnce(forgedOnReply.key.id!)).toMatchObject({ kind: 'edit', text: 'You never told me about the hearing' });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({
      text: 'Your hearing is on the 3rd',
      editedText: null,
      deletedBySender: false,
    });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: own.id } })).toMatchObject({ text: 'My deposit was 1,200', editedText: null });
    // The firm's own phone may still edit the firm's message.
    const firmEdit = { ...fixtures.editMessage(firmReply.key.id!, 'Your hearing is on the 4th'), key: fixtures.keyFrom({ fromMe: true }) };
    upsert([firmEdit]);
    expect(await storedOnce(firmEdit.key.id!)).toMatchObject({ kind: 'edit', relatesToId: reply.id });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({ editedText: 'Your hearing is on the 4th' });
  });

  it('keeps the photo a client sends as the real image: fetched from the media server, checked and decrypted with Baileys\' own crypto', async () => {
    // A real WhatsApp media file, made by Baileys' own encryptedStream: AES-256-CBC with an HMAC, keys from a mediaKey.
    const original = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(70_000)]);
    const encrypted = await encryptedStream(original, 'image');
    const enc = readFileSync(encrypted.encFilePath);
    rmSync(encrypted.encFilePath, { force: true });
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url?.startsWith('/v/t62.7118-24/photo.enc')) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(enc);
      else if (req.url?.startsWith('/v/t62.7118-24/tampered.enc')) res.writeHead(200).end(Buffer.concat([enc.subarray(0, 100), Buffer.from([enc[100]! ^ 1]), enc.subarray(101)]));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // The account's media origin stands in for WhatsApp's media hosts (an admin's proxy setting).
    await harness.app.db.pool.query(`UPDATE "ChannelAccount" SET config = config || $2::jsonb WHERE id = $1`, [harness.accountId, JSON.stringify({ mediaOrigin: `http://127.0.0.1:${port}` })]);
    const photo = (directPath: string, url?: string): ReturnType<typeof fixtures.textMessage> => ({
      key: fixtures.keyFrom(),
      messageTimestamp: Math.floor(Date.now() / 1000),
      pushName: 'Maria Client',
      message: {
        imageMessage: {
          ...(url ? { url } : {}),
          directPath,
          mimetype: 'image/jpeg',
          caption: 'The contract, signed',
          mediaKey: encrypted.mediaKey,
          fileSha256: encrypted.fileSha256,
          fileEncSha256: encrypted.fileEncSha256,
          fileLength: encrypted.fileLength,
        },
      },
    });
    try {
      const good = photo('/v/t62.7118-24/photo.enc?ccb=9-4', 'https://mmg.whatsapp.net/v/t62.7118-24/photo.enc?ccb=9-4');
      const tampered = photo('/v/t62.7118-24/tampered.enc?ccb=9-4');
      upsert([good, tampered]);
      const settled = async (id: string) =>
        waitFor(async () => {
          const [row] = await harness.stored(id);
          const attachment = row?.attachments[0];
          return attachment && attachment.state !== 'pending' ? attachment : null;
        }, { what: `the media of ${id}`, timeoutMs: 20_000 });
      const stored = await settled(good.key.id!);
      const sha256 = createHash('sha256').update(original).digest('hex');
      // The plaintext, with its real hash: the blob store is content-addressed by the SHA-256 of what it keeps.
      expect(stored).toMatchObject({ state: 'stored', sha256, blobKey: sha256, size: original.length, mimeType: 'image/jpeg' });
      const blob = await harness.app.db.pool.query<{ size: number }>(`SELECT size FROM "Blob" WHERE id = $1`, [sha256]);
      expect(blob.rows[0]?.size).toBe(original.length);
      // A file that is not the one the message describes fails its MAC and is never stored.
      const refused = await settled(tampered.key.id!);
      expect(refused).toMatchObject({ state: 'failed', blobKey: null });
      expect(refused.error).toMatch(/fileEncSha256|MAC/);
      expect(requests.every((url) => url.startsWith('/v/t62.7118-24/'))).toBe(true);
    } finally {
      server.close();
    }
  });

  it('asks the phone to upload an expired file again (updateMediaMessage) and then keeps the real file', async () => {
    const original = Buffer.concat([Buffer.from('%PDF-1.7 '), randomBytes(30_000)]);
    const encrypted = await encryptedStream(original, 'document');
    const enc = readFileSync(encrypted.encFilePath);
    rmSync(encrypted.encFilePath, { force: true });
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/v/t62.7119-24/reuploaded.enc')) res.writeHead(200).end(enc);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const key = fixtures.keyFrom();
      const ref: BaileysMediaRef = {
        kind: 'baileys-media',
        mediaType: 'document',
        directPath: '/v/t62.7119-24/expired.enc?ccb=9-4',
        url: null,
        mediaKey: Buffer.from(encrypted.mediaKey).toString('base64'),
        fileEncSha256: Buffer.from(encrypted.fileEncSha256).toString('base64'),
        fileSha256: Buffer.from(encrypted.fileSha256).toString('base64'),
        message: { key: { remoteJid: key.remoteJid!, fromMe: false, id: key.id!, participant: null }, field: 'documentMessage' },
      };
      const fetcher = createGuardedFetcher(['127.0.0.1']);
      // WhatsApp no longer has it: a 404, said to be expired.
      await expect(downloadBaileysMedia({ fetcher, ref, origin })).rejects.toMatchObject({ details: { expired: true } });
      const socket = sockets.latest();
      socket.reuploadTo = '/v/t62.7119-24/reuploaded.enc?ccb=9-4';
      const renewed = await bridge.reuploadMedia(ref);
      // The request names the message and carries its media key, as Baileys' media retry needs.
      expect(socket.mediaRetries.at(-1)).toMatchObject({ key: { id: key.id }, message: { documentMessage: { mediaKey: Buffer.from(encrypted.mediaKey) } } });
      expect(renewed.directPath).toBe('/v/t62.7119-24/reuploaded.enc?ccb=9-4');
      const { data, sha256 } = await downloadBaileysMedia({ fetcher, ref: renewed, origin });
      expect(data.equals(original)).toBe(true);
      expect(sha256).toBe(createHash('sha256').update(original).digest('hex'));
      // A phone that cannot find it any more: a clear error, nothing guessed.
      socket.reuploadTo = undefined;
      await expect(bridge.reuploadMedia(ref)).rejects.toThrow(/the phone did not upload the file again/);
    } finally {
      server.close();
    }
  });

  it('captures history sync as backfilled, and the same message live afterwards once', async () => {
    const old = fixtures.textMessage('from last year', { at: new Date('2025-06-01T10:00:00Z') });
    const socket = sockets.latest();
    // Baileys buffers the initial sync and releases it as one consolidated batch.
    socket.ev.buffer();
    socket.ev.emit('messaging-history.set', { chats: [], contacts: [], messages: [old], isLatest: true, syncType: proto.HistorySync.HistorySyncType.RECENT });
    socket.ev.flush();
    const row = await storedOnce(old.key.id!);
    expect(row).toMatchObject({ backfilled: true, text: 'from last year' });
    expect(row.sentAt).toEqual(new Date('2025-06-01T10:00:00Z'));
    upsert([old]);
    upsert([old], 'append');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.stored(old.key.id!)).toHaveLength(1);
    const offline = fixtures.textMessage('sent while we were offline');
    upsert([offline], 'append');
    expect(await storedOnce(offline.key.id!)).toMatchObject({ backfilled: true });
  });

  it('keeps an undecryptable message and unknown content as unsupported, with the raw payload', async () => {
    const cipher = fixtures.undecryptableMessage();
    const poll = fixtures.pollMessage('Which day suits you?');
    upsert([cipher, poll, fixtures.appStateKeyShare()]);
    const cipherRow = await storedOnce(cipher.key.id!);
    expect(cipherRow).toMatchObject({ kind: 'unsupported', text: null });
    expect(cipherRow.raw).toMatchObject({ messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT, messageStubParameters: ['No session record'] });
    expect(await storedOnce(poll.key.id!)).toMatchObject({ kind: 'unsupported', text: 'Which day suits you?' });
  });

  it('files a first message that names only a LID under the number Baileys’ own LID store knows, with the username as the name', async () => {
    // Baileys' LIDMappingStore over an in-memory key store: what makeWASocket gives as signalRepository.lidMapping.
    const data = new Map<string, unknown>();
    const keys: SignalKeyStore = {
      get: async (type, ids) => Object.fromEntries(ids.map((id) => [id, data.get(`${type}:${id}`)]).filter(([, value]) => value !== undefined)) as never,
      set: async (update) => {
        for (const [type, entries] of Object.entries(update)) for (const [id, value] of Object.entries(entries ?? {})) data.set(`${type}:${id}`, value);
      },
    };
    const logger = pino({ level: 'silent' });
    const lidMapping = new LIDMappingStore(addTransactionCapability(keys, logger, { maxCommitRetries: 1, delayBetweenTriesMs: 1 }), logger);
    await lidMapping.storeLIDPNMappings([{ lid: '777000111222@lid', pn: '15551237777@s.whatsapp.net' }]);
    sockets.latest().signalRepository = { lidMapping };
    const first = fixtures.textMessage('Hi, I got your number from a friend', { key: { remoteJid: '777000111222@lid', remoteJidAlt: undefined, remoteJidUsername: 'dana.roe' } as never, pushName: '' });
    upsert([first]);
    const row = await storedOnce(first.key.id!);
    expect(row.identity).toMatchObject({ address: '+15551237777', displayName: 'dana.roe', aliases: ['777000111222@lid'] });
  });

  it('sends a file as the Baileys media message of its kind, which Baileys’ own generateWAMessageContent encrypts', async () => {
    const socket = sockets.latest();
    const pdf = Buffer.from('%PDF-1.7 the signed settlement agreement');
    await bridge.send({
      clientMessageId: 'doc-1',
      to: '+15551230001',
      text: 'Signed copy attached',
      files: [{ attachmentId: 'a1', signedPath: '/x', fileName: 'Settlement.pdf', mimeType: 'application/pdf', data: pdf }],
    });
    const content = socket.sent.at(-1)!.content;
    expect(content).toEqual({ document: pdf, mimetype: 'application/pdf', fileName: 'Settlement.pdf', caption: 'Signed copy attached' });
    // Baileys itself turns it into a documentMessage: the file it encrypted is ours (fileSha256), named and captioned.
    let uploaded = 0;
    const generated = await generateWAMessageContent(content, {
      upload: async () => {
        uploaded++;
        return { mediaUrl: 'https://mmg.whatsapp.net/d/f/test.enc', directPath: '/d/f/test.enc' };
      },
    });
    expect(uploaded).toBe(1);
    expect(generated.documentMessage).toMatchObject({ fileName: 'Settlement.pdf', mimetype: 'application/pdf', caption: 'Signed copy attached' });
    expect(Buffer.from(generated.documentMessage!.fileSha256!).toString('hex')).toBe(createHash('sha256').update(pdf).digest('hex'));
    const voice = randomBytes(200);
    await bridge.send({ clientMessageId: 'voice-1', to: '+15551230001', files: [{ attachmentId: 'a2', signedPath: '/x', fileName: 'note.ogg', mimeType: 'audio/ogg; codecs=opus', data: voice }] });
    expect(socket.sent.at(-1)!.content).toEqual({ audio: voice, mimetype: 'audio/ogg' });
  });

  it('sends through sendMessage to the JID, with a message id derived from ours, and receipts move the record', async () => {
    const socket = sockets.latest();
    const { providerMessageId } = await bridge.send({ clientMessageId: 'msg-1', to: '+15551230001', text: 'Hearing on Monday' });
    expect(socket.sent.at(-1)).toEqual({ jid: '15551230001@s.whatsapp.net', content: { text: 'Hearing on Monday' }, options: { messageId: providerMessageId } });
    const again = await bridge.send({ clientMessageId: 'msg-1', to: '+15551230001', text: 'Hearing on Monday' });
    expect(again.providerMessageId).toBe(providerMessageId);
    const key = { remoteJid: fixtures.phoneJid, fromMe: true, id: providerMessageId };
    // The firm's own message as the send job records it: here through the same capture path.
    upsert([{ key, messageTimestamp: Math.floor(Date.now() / 1000), message: { conversation: 'Hearing on Monday' } }]);
    const sent = await storedOnce(providerMessageId);
    expect(sent).toMatchObject({ direction: 'outbound', status: 'sent' });
    socket.ev.emit('messages.update', [{ key, update: { status: proto.WebMessageInfo.Status.DELIVERY_ACK } }]);
    socket.ev.emit('messages.update', [{ key, update: { status: proto.WebMessageInfo.Status.READ } }]);
    socket.ev.emit('messages.update', [{ key, update: { status: proto.WebMessageInfo.Status.DELIVERY_ACK } }]);
    const read = await waitFor(async () => ((await harness.stored(providerMessageId))[0]?.status === 'read' ? (await harness.stored(providerMessageId))[0] : null), { what: 'read' });
    expect(read.statusEvents.map((e) => e.status).sort()).toEqual(['delivered', 'read']);
    await expect(bridge.send({ clientMessageId: 'x', to: 'not a number', text: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('answers WhatsApp\'s retry requests from the record (getMessage), after a restart too', async () => {
    const sent = await bridge.send({ clientMessageId: 'retry-me', to: '+15551230001', text: 'Your hearing is at 10' });
    // The send job records the provider id; here the row is written as the job would.
    await harness.app.db.pool.query(
      `INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", direction, kind, "providerMessageId", text, status)
       SELECT gen_random_uuid()::text, c."firmId", c."accountId", c.id, 'outbound', 'text', $2, 'Your hearing is at 10', 'sent'
         FROM "Conversation" c WHERE c."accountId" = $1 LIMIT 1`,
      [harness.accountId, sent.providerMessageId],
    );
    const fromPhone = fixtures.textMessage('Sent from the office phone', { key: { fromMe: true } });
    upsert([fromPhone]);
    await storedOnce(fromPhone.key.id!);
    const { getMessage } = sockets.latestOptions();
    expect(await getMessage({ remoteJid: fixtures.phoneJid, fromMe: true, id: sent.providerMessageId })).toEqual({ conversation: 'Your hearing is at 10' });
    expect((await getMessage({ remoteJid: fixtures.phoneJid, fromMe: true, id: fromPhone.key.id! }))?.conversation).toBe('Sent from the office phone');
    expect(await getMessage({ remoteJid: fixtures.phoneJid, fromMe: true, id: 'NOT-OURS' })).toBeUndefined();
    // A client's message is never handed back as ours.
    const theirs = fixtures.textMessage('from the client');
    upsert([theirs]);
    await storedOnce(theirs.key.id!);
    expect(await getMessage({ remoteJid: fixtures.phoneJid, fromMe: false, id: theirs.key.id! })).toBeUndefined();
  });

  it('maps group receipts (message-receipt.update) to the message status', async () => {
    const id = fixtures.messageId();
    const key = { remoteJid: fixtures.groupJid, fromMe: true, id };
    upsert([{ key, messageTimestamp: Math.floor(Date.now() / 1000), message: { conversation: 'to the group' } }]);
    await storedOnce(id);
    sockets.latest().ev.emit('message-receipt.update', [{ key, receipt: { userJid: fixtures.phoneJid, receiptTimestamp: 1_760_000_000 } }]);
    const row = await waitFor(async () => ((await harness.stored(id))[0]?.status === 'delivered' ? (await harness.stored(id))[0] : null), { what: 'delivered' });
    expect(row.deliveredAt).toEqual(new Date(1_760_000_000_000));
  });

  it('keeps the order of one chat when capture fails and is retried, while other chats go on', async () => {
    const first = fixtures.textMessage('first');
    const second = fixtures.textMessage('second');
    const other = fixtures.textMessage('other chat', { key: { remoteJid: '15551230002@s.whatsapp.net', remoteJidAlt: undefined } });
    harness.failNext(2);
    const start = harness.emitted.length;
    await sockets.latest().deliver({ 'messages.upsert': { messages: [first, second, other], type: 'notify' } });
    for (const m of [first, second, other]) expect(await harness.stored(m.key.id!)).toHaveLength(1);
    const attempts = harness.emitted.slice(start).map((e) => ({ id: e.event.kind === 'message' ? e.event.providerMessageId : '', ok: !e.error }));
    const firstDone = attempts.findIndex((a) => a.id === first.key.id && a.ok);
    const secondTried = attempts.findIndex((a) => a.id === second.key.id);
    expect(attempts.filter((a) => !a.ok)).toHaveLength(2);
    expect(secondTried).toBeGreaterThan(firstDone);
  });

  it('never crashes nor stores anything on malformed payloads', async () => {
    const before = await harness.messageCount();
    const inbound = () => harness.app.db.prisma.message.findMany({ where: { accountId: harness.accountId, direction: 'inbound' } });
    const beforeIds = new Set((await inbound()).map((m) => m.id));
    const bad = [
      {} as never,
      { key: {} } as never,
      { key: { remoteJid: fixtures.phoneJid, id: fixtures.messageId() }, messageStubType: 20 } as never,
      { key: { remoteJid: 'status@broadcast', id: fixtures.messageId() }, message: { conversation: 'a status' } } as never,
      null as never,
    ];
    await sockets.latest().deliver({ 'messages.upsert': { messages: bad, type: 'notify' } });
    sockets.latest().ev.emit('messages.update', [{ key: {}, update: { status: 99 } } as never]);
    sockets.latest().ev.emit('message-receipt.update', [{ key: { id: 'x', fromMe: true }, receipt: {} } as never]);
    const good = fixtures.textMessage('after the junk');
    await sockets.latest().deliver({ 'messages.upsert': { messages: [good], type: 'notify' } });
    const added = (await inbound()).filter((m) => !beforeIds.has(m.id));
    expect(added.map((m) => m.text)).toEqual(['after the junk']);
    expect(await harness.messageCount()).toBe(before + 1);
  });

  it('reconnects with backoff after a transient close, and stops for good when logged out, clearing the keys', async () => {
    const made = sockets.sockets.length;
    const closing = Object.assign(new Error('Connection Lost'), { output: { statusCode: 408 } });
    sockets.latest().ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: closing as never, date: new Date() } });
    await waitFor(async () => sockets.sockets.length === made + 1, { what: 'a new socket' });
    const states = harness.emitted.flatMap((e) => (e.event.kind === 'state' ? [e.event] : []));
    expect(states.some((s) => s.state === 'disconnected' && /Connection Lost \(408\)/.test(s.reason ?? ''))).toBe(true);
    sockets.latest().ev.emit('connection.update', { connection: 'open' });
    await waitFor(async () => (await account()).state === 'connected', { what: 'connected again' });
    const text = fixtures.textMessage('on the new socket');
    upsert([text]);
    await storedOnce(text.key.id!);

    const loggedOut = Object.assign(new Error('Intentional Logout'), { output: { statusCode: 401 } });
    sockets.latest().ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: loggedOut as never, date: new Date() } });
    await waitFor(async () => (await account()).state === 'logged_out', { what: 'logged out' });
    expect(await credentials.keys()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets.sockets.length).toBe(made + 1);
    await expect(bridge.send({ clientMessageId: 'y', to: '+15551230001', text: 'x' })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
