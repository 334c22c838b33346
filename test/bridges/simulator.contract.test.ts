import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import type { RunningMatterline } from '../../src/runtime/start-matterline.js';
import { waitFor } from '../support/matterline.js';
import type { InboundSample } from './support/bridge-contract.js';
import { runBridgeContract } from './support/bridge-contract.js';

// The simulator passes the same contract: its phone is the provider, and receipts come from the phone by themselves.

let app: RunningMatterline;
const contact = '+15550100001';
const inbound = (body: Record<string, unknown>) =>
  fetch(`${app.url}/api/simulator/demo/inbound`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const sample = (name: string, body: Record<string, unknown>, expected: Omit<InboundSample['expected'], 'providerMessageId' | 'contact'>): InboundSample => {
  const id = `sim-contract-${randomBytes(4).toString('hex')}`;
  return { name, deliver: () => inbound({ ...body, id, from: contact }), expected: { providerMessageId: id, contact: { address: contact }, ...expected } };
};

runBridgeContract({
  name: 'simulator',
  contact,
  accountId: () => 'demo',
  async start(running) {
    app = running;
  },
  async stop() {},
  samples: [
    sample('a text', { text: 'Did the court set a date?', sentAt: '2026-03-10T15:00:00.000Z' }, { kind: 'text', text: 'Did the court set a date?', sentAt: new Date('2026-03-10T15:00:00Z') }),
    sample('a photo', { text: 'The lease', media: [{ data: Buffer.from('a photo of the lease').toString('base64'), mimeType: 'image/jpeg', fileName: 'lease.jpg' }] }, {
      kind: 'image',
      text: 'The lease',
      attachments: [{ mimeType: 'image/jpeg', sourceUrl: null, fileName: 'lease.jpg', sha256: createHash('sha256').update('a photo of the lease').digest('hex') }],
    }),
  ],
  async awaitSend(text) {
    const phone = await waitFor(
      async () => {
        const list = (await (await fetch(`${app.url}/api/simulator/demo/phones/${contact}`)).json()) as { id: string; text: string }[];
        return list.find((m) => m.text === text) ?? null;
      },
      { what: `the phone to receive "${text}"` },
    );
    return { providerMessageId: phone.id };
  },
});
