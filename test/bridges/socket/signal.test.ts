import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalBridge } from '../../../src/bridges/signal/signal-bridge.js';
import { asAccountId, asProviderMessageId } from '../../../src/core/ids.js';
import { waitFor } from '../../support/matterline.js';
import type { FakeSignalCli } from './support/fake-signal-cli.js';
import { startFakeSignalCli } from './support/fake-signal-cli.js';
import type { SocketHarness } from './support/socket-harness.js';
import { startSocketHarness } from './support/socket-harness.js';

// Signal through a real TCP server speaking signal-cli's JSON-RPC: the recorded notifications of the fixtures go in,
// the record and the requests the daemon received come out.

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '../../fixtures/signal', name), 'utf8')) as Record<string, unknown>;
const plainNotification = fixture('signal-cli-receive-notification.json') as { params: { envelope: Record<string, unknown> } };
const syncNotification = fixture('signal-cli-receive-subscription-sync.json') as { params: { result: { envelope: Record<string, unknown> } } };
const sendExample = fixture('signal-cli-send.json') as { request: { params: Record<string, unknown> } };

const firmNumber = '+15550009999';
let counter = 1_700_000_000_000;
const nextTimestamp = () => ++counter;

/** The fixture's inbound envelope with a timestamp of its own, so tests do not collide. */
const inbound = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => {
  const timestamp = nextTimestamp();
  const envelope = structuredClone(plainNotification.params.envelope);
  return {
    ...envelope,
    timestamp,
    ...overrides,
    dataMessage: { ...(envelope.dataMessage as object), timestamp, ...data },
  };
};

/** The fixture's sync envelope (the firm's own linked device sent a message) with a timestamp of its own. */
const syncSent = () => {
  const envelope = structuredClone(syncNotification.params.result.envelope) as { timestamp: number; syncMessage: { sentMessage: Record<string, unknown> } };
  const timestamp = nextTimestamp();
  envelope.timestamp = timestamp;
  envelope.syncMessage.sentMessage.timestamp = timestamp;
  return { envelope, timestamp };
};

describe('Signal through the signal-cli JSON-RPC daemon', () => {
  let harness: SocketHarness & { stop(): Promise<void> };
  let daemon: FakeSignalCli;
  let bridge: SignalBridge;
  let attachmentsDir: string;
  const accountState = async () =>
    (await harness.app.db.prisma.channelAccount.findUniqueOrThrow({ where: { id: harness.accountId } }));
  const storedOnce = async (providerMessageId: string) => {
    const rows = await waitFor(async () => {
      const found = await harness.stored(providerMessageId);
      return found.length > 0 ? found : null;
    }, { what: `message ${providerMessageId} to be captured`, timeoutMs: 10_000 });
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };

  beforeAll(async () => {
    harness = await startSocketHarness('signal');
    daemon = await startFakeSignalCli();
    attachmentsDir = mkdtempSync(path.join(tmpdir(), 'signal-attachments-'));
    bridge = new SignalBridge(
      harness.context({ number: firmNumber, rpc: daemon.rpc, attachmentsDir, reconnectBaseMs: 50, reconnectMaxMs: 200, silentAfterMs: 0 }),
    );
    await bridge.start();
  });
  afterAll(async () => {
    await bridge?.stop();
    await daemon?.stop();
    await harness?.stop();
  });

  it('subscribes in manual receive mode and reports the account connected', async () => {
    expect(daemon.requests.map((r) => r.method)).toContain('subscribeReceive');
    expect(daemon.subscribers()).toBe(1);
    expect((await accountState()).state).toBe('connected');
  });

  it('captures the documented receive notification: text, sender number, UUID alias and name', async () => {
    const envelope = inbound();
    daemon.push(envelope);
    const row = await storedOnce(`uuid:${envelope.timestamp}`);
    expect(row).toMatchObject({ direction: 'inbound', kind: 'text', text: 'foobar', status: 'received', backfilled: false });
    expect(row.sentAt).toEqual(new Date(envelope.timestamp));
    expect(row.identity).toMatchObject({ address: '+33123456789', displayName: 'name', aliases: ['uuid'] });
    expect(row.conversation.externalId).toBe('+33123456789');
    expect(row.raw).toMatchObject({ envelope: { sourceUuid: 'uuid', dataMessage: { message: 'foobar' } } });
  });

  it('captures a sync message from the firm’s own linked device as outbound, named by its bare timestamp', async () => {
    const { envelope, timestamp } = syncSent();
    daemon.push(envelope);
    const row = await storedOnce(String(timestamp));
    expect(row).toMatchObject({ direction: 'outbound', text: 'j', status: 'sent' });
    expect(row.identity?.address).toBe('+33123456789');
  });

  it('captures attachments from signal-cli’s attachment folder with their hash, and quoted replies', async () => {
    const original = inbound({}, { message: 'Here is the lease' });
    daemon.push(original);
    await storedOnce(`uuid:${original.timestamp}`);
    const bytes = Buffer.from('%PDF-1.4 lease');
    writeFileSync(path.join(attachmentsDir, 'Xy12abc.pdf'), bytes);
    const envelope = inbound({}, {
      message: 'signed',
      attachments: [{ contentType: 'application/pdf', filename: 'lease.pdf', id: 'Xy12abc.pdf', size: bytes.length }],
      quote: { id: original.timestamp, author: '+33123456789', authorNumber: '+33123456789', authorUuid: 'uuid', text: 'Here is the lease' },
    });
    daemon.push(envelope);
    const row = await storedOnce(`uuid:${envelope.timestamp}`);
    expect(row.kind).toBe('document');
    expect(row.attachments).toHaveLength(1);
    expect(row.attachments[0]).toMatchObject({
      mimeType: 'application/pdf',
      fileName: 'lease.pdf',
      providerMediaId: 'Xy12abc.pdf',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sourceUrl: `file://${path.join(attachmentsDir, 'Xy12abc.pdf')}`,
    });
    expect(row.replyToId).toBe((await harness.stored(`uuid:${original.timestamp}`))[0]!.id);
  });

  it('records edits, remote deletions and reactions as new linked events, leaving the original row', async () => {
    const original = inbound({}, { message: 'See you at 10' });
    daemon.push(original);
    const target = await storedOnce(`uuid:${original.timestamp}`);
    const editAt = nextTimestamp();
    const { dataMessage: _dropped, ...base } = inbound();
    daemon.push({ ...base, timestamp: editAt, editMessage: { targetSentTimestamp: original.timestamp, dataMessage: { timestamp: editAt, message: 'See you at 11' } } });
    const reaction = inbound({}, { message: null, reaction: { emoji: '👍', targetAuthor: '+33123456789', targetAuthorUuid: 'uuid', targetSentTimestamp: original.timestamp, isRemove: false } });
    daemon.push(reaction);
    const deletion = inbound({}, { message: null, remoteDelete: { timestamp: original.timestamp } });
    daemon.push(deletion);
    const edit = await storedOnce(`uuid:${editAt}`);
    expect(edit).toMatchObject({ kind: 'edit', text: 'See you at 11', relatesToId: target.id });
    expect(await storedOnce(`uuid:${reaction.timestamp}`)).toMatchObject({ kind: 'reaction', text: '👍', relatesToId: target.id });
    expect(await storedOnce(`uuid:${deletion.timestamp}`)).toMatchObject({ kind: 'deletion', relatesToId: target.id });
    const after = await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: target.id } });
    expect(after).toMatchObject({ text: 'See you at 10', editedText: 'See you at 11', deletedBySender: true });
  });

  it('applies an edit or deletion only to the sender’s own message; forged ones are kept and change nothing', async () => {
    // The firm's reply, sent from its own linked device, in this client's conversation.
    const { envelope: sync, timestamp: sentAt } = syncSent();
    daemon.push(sync);
    const reply = await storedOnce(String(sentAt));
    const original = inbound({}, { message: 'My deposit was 1,200' });
    daemon.push(original);
    const target = await storedOnce(`uuid:${original.timestamp}`);
    // The client deletes the firm's reply; another client edits this client's message.
    const deleteReply = inbound({}, { message: null, remoteDelete: { timestamp: sentAt } });
    daemon.push(deleteReply);
    const other = { source: '+34911111111', sourceNumber: '+34911111111', sourceUuid: 'other-uuid', sourceName: 'Mallory' };
    const editAt = nextTimestamp();
    const { dataMessage: _dropped, ...base } = inbound(other);
    daemon.push({ ...base, timestamp: editAt, editMessage: { targetSentTimestamp: original.timestamp, dataMessage: { timestamp: editAt, message: 'My deposit was 0' } } });
    expect(await storedOnce(`uuid:${deleteReply.timestamp}`)).toMatchObject({ kind: 'deletion', relatesToId: null });
    expect(await storedOnce(`other-uuid:${editAt}`)).toMatchObject({ kind: 'edit', text: 'My deposit was 0', relatesToId: null });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: reply.id } })).toMatchObject({ deletedBySender: false, editedText: null });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ text: 'My deposit was 1,200', editedText: null });
  });

  it('keeps a message first emitted with an untrusted-identity exception and then with its content after trust', async () => {
    // A safety-number change: signal-cli first emits the envelope without content, with the exception beside it.
    const full = inbound({}, { message: 'My new phone: here is the signed offer' });
    const { dataMessage: _content, ...bare } = full;
    daemon.push(bare, { message: 'Untrusted identity key!', type: 'UntrustedIdentityException' });
    const failure = await storedOnce(`uuid:${full.timestamp}:exception:UntrustedIdentityException`);
    expect(failure).toMatchObject({ kind: 'unsupported', raw: { exception: { type: 'UntrustedIdentityException' } } });
    // After `trust`, the same envelope again, with its content: stored, not taken for a duplicate.
    daemon.push(full);
    expect(await storedOnce(`uuid:${full.timestamp}`)).toMatchObject({ kind: 'text', text: 'My new phone: here is the signed offer' });
  });

  it('records an edit the firm\'s own phone made (syncMessage.sentMessage.editMessage) as an edit of its message', async () => {
    const { envelope: sent, timestamp } = syncSent();
    daemon.push(sent);
    const original = await storedOnce(String(timestamp));
    const { envelope: edit, timestamp: editAt } = syncSent();
    const sentMessage = edit.syncMessage.sentMessage;
    delete sentMessage.message;
    sentMessage.editMessage = { targetSentTimestamp: timestamp, dataMessage: { timestamp: editAt, message: 'j (corrected)' } };
    daemon.push(edit);
    expect(await storedOnce(String(editAt))).toMatchObject({ kind: 'edit', text: 'j (corrected)', relatesToId: original.id, direction: 'outbound' });
    expect(await harness.app.db.prisma.message.findUniqueOrThrow({ where: { id: original.id } })).toMatchObject({ text: 'j', editedText: 'j (corrected)' });
  });

  it('records a disappearing-messages timer and a group change as events, never answered, and keeps an attachment caption', async () => {
    const timer = inbound({}, { message: null, expiresInSeconds: 604800, isExpirationUpdate: true });
    daemon.push(timer);
    const timerEvent = await storedOnce(`uuid:${timer.timestamp}`);
    expect(timerEvent).toMatchObject({ kind: 'event', text: null });
    const group = inbound({}, { message: null, groupInfo: { groupId: 'Z3JvdXAtMQ==', groupName: 'Avery family', revision: 3, type: 'UPDATE' } });
    daemon.push(group);
    const groupEvent = await storedOnce(`uuid:${group.timestamp}`);
    expect(groupEvent).toMatchObject({ kind: 'event' });
    expect(groupEvent.conversation).toMatchObject({ kind: 'group', title: 'Avery family' });
    // Captions travel on the attachment.
    const captioned = inbound({}, { message: null, attachments: [{ contentType: 'image/jpeg', filename: 'id.jpg', id: 'missing.jpg', size: 10, caption: 'My passport, page 2' }] });
    daemon.push(captioned);
    expect(await storedOnce(`uuid:${captioned.timestamp}`)).toMatchObject({ kind: 'image', text: 'My passport, page 2' });
    // Nothing answered the timer: its processing ran (a ProcessedJob) and made no automated message keyed to it.
    await waitFor(async () => (await harness.app.db.prisma.processedJob.count({ where: { jobId: `inbound-${timerEvent.id}` } })) === 1, { what: 'the timer processed' });
    expect(await harness.app.db.prisma.message.count({ where: { idempotencyKey: { contains: timerEvent.id } } })).toBe(0);
  });

  it('stores a notification delivered twice (a daemon restart replaying it) once', async () => {
    const envelope = inbound({}, { message: 'twice' });
    daemon.push(envelope);
    daemon.push(envelope);
    await storedOnce(`uuid:${envelope.timestamp}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await harness.stored(`uuid:${envelope.timestamp}`)).toHaveLength(1);
  });

  it('sends through JSON-RPC send as signal-cli documents it and returns the timestamp as the provider id', async () => {
    const before = daemon.requests.length;
    const sent = await bridge.send({ clientMessageId: 'c1', to: '+33123456789', text: 'MESSAGE', attachments: ['/srv/files/a.pdf'] });
    const request = daemon.requests.slice(before).find((r) => r.method === 'send')!;
    expect(Object.keys(sendExample.request.params).every((key) => key in request.params)).toBe(true);
    expect(request.params).toEqual({ recipient: ['+33123456789'], message: 'MESSAGE', attachments: ['/srv/files/a.pdf'] });
    expect(sent.providerMessageId).toMatch(/^\d+$/);
    await bridge.send({ clientMessageId: 'c2', to: 'group:aGVsbG8=', text: 'to the group' });
    expect(daemon.requests.at(-1)!.params).toEqual({ groupId: 'aGVsbG8=', message: 'to the group' });
    expect(daemon.protocolErrors).toEqual([]);
  });

  it('sends files as data URIs signal-cli’s DataURI.java reads back to the same bytes, name and type', async () => {
    const pdf = Buffer.from('%PDF-1.7 retainer; "signed", 100% ✓');
    const photo = randomBytes(300);
    const before = daemon.requests.length;
    await bridge.send({
      clientMessageId: 'files-1',
      to: '+33123456789',
      text: 'Both documents',
      files: [
        { attachmentId: 'a1', signedPath: '/x', fileName: 'Retainer; final=yes, v2.pdf', mimeType: 'application/pdf', data: pdf },
        { attachmentId: 'a2', signedPath: '/x', fileName: 'ID scan.jpg', mimeType: 'image/jpeg', data: photo },
      ],
    });
    const request = daemon.requests.slice(before).find((r) => r.method === 'send')!;
    expect(request.params).toMatchObject({ recipient: ['+33123456789'], message: 'Both documents' });
    const decoded = (request.params.attachments as string[]).map(readDataUri);
    expect(decoded).toEqual([
      { mediaType: 'application/pdf', parameters: { filename: 'Retainer; final=yes, v2.pdf' }, data: pdf },
      { mediaType: 'image/jpeg', parameters: { filename: 'ID scan.jpg' }, data: photo },
    ]);
  });

  it('moves a recorded outbound message forward with delivery and read receipts, never back', async () => {
    daemon.answerSend = () => ({ result: { timestamp: 999, results: [{ type: 'SUCCESS' }] } });
    const { providerMessageId } = await bridge.send({ clientMessageId: 'c3', to: '+33123456789', text: 'Your hearing is on Monday' });
    expect(providerMessageId).toBe('999');
    // The send job records what send() returned; here the record is written the same way the core would.
    await harness.context({}).emit({
      kind: 'message', accountId: asAccountId(harness.accountId), providerMessageId: asProviderMessageId(providerMessageId), direction: 'outbound',
      chat: { externalId: '+33123456789', kind: 'direct' }, contact: { address: '+33123456789' }, messageKind: 'text',
      text: 'Your hearing is on Monday', sentAt: new Date(), raw: {},
    });
    const receipt = (kind: 'isDelivery' | 'isRead', when: number) => ({
      source: '+33123456789', sourceNumber: '+33123456789', sourceUuid: 'uuid', sourceDevice: 1, timestamp: when,
      receiptMessage: { when, isDelivery: kind === 'isDelivery', isRead: kind === 'isRead', isViewed: false, timestamps: [999] },
    });
    daemon.push(receipt('isDelivery', 1_700_000_100_000));
    daemon.push(receipt('isRead', 1_700_000_200_000));
    daemon.push(receipt('isDelivery', 1_700_000_300_000));
    const row = await waitFor(async () => {
      const [found] = await harness.stored('999');
      return found?.status === 'read' && found.statusEvents.length >= 2 ? found : null;
    }, { what: 'the read receipt', timeoutMs: 10_000 });
    expect(row.deliveredAt).toEqual(new Date(1_700_000_100_000));
    expect(row.readAt).toEqual(new Date(1_700_000_200_000));
    expect(row.statusEvents.map((e) => e.status).sort()).toEqual(['delivered', 'read']);
  });

  it('settles a send whose answer was lost by the receipt that quotes its timestamp (signal-cli echoes no id of ours)', async () => {
    const db = harness.app.db;
    const firm = await db.prisma.firm.findFirstOrThrow();
    const address = '+33123450001';
    const identity = await db.prisma.contactIdentity.create({ data: { firmId: firm.id, accountId: harness.accountId, address, aliases: ['uuid-lost'], consentState: 'opted_in' } });
    const conversation = await db.prisma.conversation.create({ data: { firmId: firm.id, accountId: harness.accountId, externalId: address, kind: 'direct', identityId: identity.id } });
    const lost = (text: string, capturedAt: Date, failedAt: Date) =>
      db.prisma.message.create({
        data: {
          firmId: firm.id, accountId: harness.accountId, conversationId: conversation.id, identityId: identity.id, direction: 'outbound', text,
          status: 'failed', capturedAt, failedAt, error: 'send_outcome_unknown: the process stopped while the provider was sending; check before resending',
        },
      });
    const base = Date.now() - 60 * 60_000;
    const first = await lost('first', new Date(base), new Date(base + 60_000));
    const second = await lost('second', new Date(base + 10 * 60_000), new Date(base + 11 * 60_000));
    const receipt = (timestamp: number) => ({
      source: address, sourceNumber: address, sourceUuid: 'uuid-lost', sourceDevice: 1, timestamp: timestamp + 5_000,
      receiptMessage: { when: timestamp + 5_000, isDelivery: true, isRead: false, isViewed: false, timestamps: [timestamp] },
    });
    // signal-cli sent the second at base + 10.5 min (its timestamp); the first's window does not hold that time.
    daemon.push(receipt(base + 10 * 60_000 + 30_000));
    const settled = await waitFor(async () => {
      const row = await db.prisma.message.findUniqueOrThrow({ where: { id: second.id } });
      return row.status === 'delivered' ? row : null;
    }, { what: 'the lost send to be settled', timeoutMs: 10_000 });
    expect(settled).toMatchObject({ providerMessageId: String(base + 10 * 60_000 + 30_000), error: null });
    expect(await db.prisma.message.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ status: 'failed', providerMessageId: null });
  });

  it('pauses sends for a person on a CAPTCHA (proof required) answer instead of failing them', async () => {
    let sends = 0;
    daemon.answerSend = () => {
      sends++;
      return {
        error: {
          code: -5,
          message: 'Failed to send message due to rate limiting',
          // As signal-cli writes it (JsonSendMessageResult, Jackson): a CAPTCHA is a RATE_LIMIT_FAILURE with a token.
          data: {
            response: {
              timestamp: 1,
              results: [{ recipientAddress: { uuid: 'uuid', number: '+33123456789' }, type: 'RATE_LIMIT_FAILURE', token: 'tok-123', retryAfterSeconds: 86400 }],
            },
          },
        },
      };
    };
    const first = bridge.send({ clientMessageId: 'c4', to: '+33123456789', text: 'blocked' });
    await expect(first).rejects.toMatchObject({ code: 'unavailable' });
    const account = await accountState();
    expect(account.state).toBe('needs_attention');
    expect(account.stateReason).toMatch(/CAPTCHA.*tok-123/);
    await expect(bridge.send({ clientMessageId: 'c5', to: '+33123456789', text: 'also held' })).rejects.toMatchObject({ code: 'unavailable' });
    expect(sends).toBe(1);
    await bridge.resumeSends();
    daemon.answerSend = () => ({ result: { timestamp: 4242 } });
    await expect(bridge.send({ clientMessageId: 'c6', to: '+33123456789', text: 'free again' })).resolves.toEqual({ providerMessageId: '4242' });
    expect((await accountState()).state).toBe('connected');
  });

  it('treats a plain rate limit (no token) as a wait, not a CAPTCHA: the account keeps sending', async () => {
    daemon.answerSend = () => ({
      error: {
        code: -5,
        message: 'Failed to send message due to rate limiting',
        data: { response: { timestamp: 2, results: [{ recipientAddress: { uuid: 'uuid', number: '+33123456789' }, type: 'RATE_LIMIT_FAILURE', retryAfterSeconds: 30 }] } },
      },
    });
    await expect(bridge.send({ clientMessageId: 'c7', to: '+33123456789', text: 'slow down' })).rejects.toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: 30 } });
    expect((await accountState()).state).toBe('connected');
    daemon.answerSend = () => ({ result: { timestamp: 4343 } });
  });

  it('refuses a send to someone not on Signal for good (bad_request), and a daemon error as transient', async () => {
    daemon.answerSend = () => ({ result: { timestamp: 5, results: [{ type: 'UNREGISTERED_FAILURE' }] } });
    await expect(bridge.send({ clientMessageId: 'c7', to: '+1999', text: 'x' })).rejects.toMatchObject({ code: 'bad_request' });
    daemon.answerSend = () => ({ error: { code: -3, message: 'IO error' } });
    await expect(bridge.send({ clientMessageId: 'c8', to: '+1999', text: 'x' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('never crashes nor stores anything on malformed lines and envelopes, and keeps reading after them', async () => {
    const before = await harness.messageCount();
    daemon.pushLine('this is not json');
    daemon.pushLine('[1,2,3]');
    daemon.pushLine(JSON.stringify({ jsonrpc: '2.0', method: 'receive', params: { subscription: 0, result: { envelope: { timestamp: 'yesterday' } } } }));
    daemon.pushLine(JSON.stringify({ jsonrpc: '2.0', method: 'receive', params: null }));
    daemon.push({ source: '+33123456789', timestamp: nextTimestamp(), typingMessage: { action: 'STARTED' } });
    const after = inbound({}, { message: 'still here' });
    daemon.push(after);
    await storedOnce(`uuid:${after.timestamp}`);
    expect(await harness.messageCount()).toBe(before + 1);
  });

  it('keeps an envelope it cannot read as a message (undecryptable) as unsupported, with its raw payload', async () => {
    const timestamp = nextTimestamp();
    daemon.push({ source: '+33123456789', sourceNumber: '+33123456789', sourceUuid: 'uuid', timestamp, unknownFutureMessage: { x: 1 } });
    const row = await storedOnce(`uuid:${timestamp}`);
    expect(row).toMatchObject({ kind: 'unsupported', text: null });
    expect(row.raw).toMatchObject({ envelope: { unknownFutureMessage: { x: 1 } } });
  });

  it('reports the daemon unreachable, reconnects when it is back, and subscribes again', async () => {
    const subscriptions = () => daemon.requests.filter((r) => r.method === 'subscribeReceive').length;
    const before = { subscriptions: subscriptions(), emitted: harness.emitted.length };
    daemon.dropClients();
    await waitFor(async () => subscriptions() > before.subscriptions && (await accountState()).state === 'connected', {
      what: 'the bridge to reconnect and subscribe again',
      timeoutMs: 10_000,
    });
    const states = harness.emitted.slice(before.emitted).flatMap((e) => (e.event.kind === 'state' ? [e.event] : []));
    expect(states.map((s) => s.state)).toEqual(['disconnected', 'connecting', 'connected']);
    expect(states[0]!.reason).toMatch(/connection to signal-cli at tcp:\/\/127\.0\.0\.1:\d+ was lost/);
    const envelope = inbound({}, { message: 'after the restart' });
    daemon.push(envelope);
    await storedOnce(`uuid:${envelope.timestamp}`);
  });

  it('says clearly when there is no daemon at the configured address, and keeps trying', async () => {
    const nobody = await startFakeSignalCli();
    const rpc = nobody.rpc;
    await nobody.stop();
    const other = new SignalBridge(harness.context({ number: firmNumber, rpc, reconnectBaseMs: 20, reconnectMaxMs: 50, silentAfterMs: 0 }));
    const states: string[] = [];
    const context = harness.emitted.length;
    await other.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.stop();
    for (const entry of harness.emitted.slice(context)) if (entry.event.kind === 'state') states.push(`${entry.event.state}: ${entry.event.reason ?? ''}`);
    expect(states.some((s) => /^disconnected: the signal-cli daemon at tcp:\/\/127\.0\.0\.1:\d+ is unreachable/.test(s))).toBe(true);
    expect(states.filter((s) => s.startsWith('connecting')).length).toBeGreaterThan(1);
    await expect(other.send({ clientMessageId: 'x', to: '+1', text: 'x' })).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('refuses a configuration that can never work, saying what is wrong', async () => {
    const broken = new SignalBridge(harness.context({ number: '0033', rpc: 'http://example' }));
    await expect(broken.start()).rejects.toMatchObject({ code: 'bad_request' });
  });
});

/**
 * signal-cli's DataURI.of (lib/src/main/java/org/asamk/signal/manager/util/DataURI.java), line by line: its two
 * patterns (the parameters matched from where the last one ended), values URL-decoded as URLDecoder does, base64 data.
 */
function readDataUri(uri: string): { mediaType: string; parameters: Record<string, string>; data: Buffer } {
  const match = /^data:(?<type>.+?\/.+?)?(?<parameters>;.+?=.+?)?(?<base64>;base64)?,(?<data>.+)$/i.exec(uri);
  if (!match?.groups) throw new Error('The given string is not a valid data URI.');
  const parameters: Record<string, string> = {};
  if (match.groups.parameters) {
    const pattern = /;(?<key>.+)=(?<value>.+)/iy;
    let found: RegExpExecArray | null;
    while ((found = pattern.exec(match.groups.parameters))) {
      parameters[found.groups!.key!] = decodeURIComponent(found.groups!.value!.replace(/\+/g, ' '));
    }
  }
  const data = match.groups.base64 ? Buffer.from(match.groups.data!, 'base64') : Buffer.from(decodeURIComponent(match.groups.data!), 'utf8');
  return { mediaType: match.groups.type ?? 'text/plain', parameters, data };
}
