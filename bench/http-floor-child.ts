import express from 'express';
import { hubSignatureMatches } from '../src/bridges/whatsapp-cloud/hub-signature.js';

// The floor under webhook capture on this machine: an Express server doing only what every webhook costs before
// Matterline's own work (raw body, the X-Hub-Signature-256 check, JSON.parse, a small JSON answer), with nothing
// stored. Run by bench/http-floor.ts as a process of its own; prints its port as one JSON line.

const appSecret = process.argv[2] ?? '';
const app = express();
app.disable('x-powered-by');
app.post('/webhooks/whatsapp-cloud/:accountId', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  // The same check the WhatsApp Cloud bridge makes.
  if (!hubSignatureMatches(raw, req.get('x-hub-signature-256'), appSecret)) {
    res.status(401).json({ error: 'bad_signature' });
    return;
  }
  const payload = JSON.parse(raw.toString('utf8')) as { entry?: unknown[] };
  res.status(200).json({ recorded: payload.entry?.length ?? 0, unmatched: 0 });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
