import { z } from 'zod';

/** Where the signal-cli daemon listens: `tcp://host:port` (daemon --tcp) or `unix:/path` (daemon --socket). */
export const signalRpcAddressSchema = z.string().regex(/^(tcp:\/\/[^\s/:]+:\d{1,5}|unix:\/?[^\s]+)$/, {
  message: 'expected tcp://host:port or unix:/path/to/socket',
});

export const signalConfigSchema = z.looseObject({
  /** The firm's Signal number, as registered in signal-cli. */
  number: z.string().regex(/^\+\d{6,15}$/, { message: 'expected an E.164 number like +15551234567' }),
  rpc: signalRpcAddressSchema,
  /** signal-cli's attachment folder (~/.local/share/signal-cli/attachments); lets us hash and point at the files. */
  attachmentsDir: z.string().min(1).optional(),
  /** The daemon serves several accounts (started without -a): requests then name the account. */
  multiAccount: z.boolean().optional(),
  /** Connected with no event for this long is reported; 0 turns the watch off. */
  silentAfterMs: z.number().int().min(0).optional(),
  reconnectBaseMs: z.number().int().min(1).optional(),
  reconnectMaxMs: z.number().int().min(1).optional(),
  requestTimeoutMs: z.number().int().min(1).optional(),
});
export type SignalConfig = z.infer<typeof signalConfigSchema>;

export const signalDefaults = {
  // A small firm's Signal number can be quiet for a weekend; half a day of silence is worth a look.
  silentAfterMs: 12 * 60 * 60_000,
  reconnectBaseMs: 1_000,
  reconnectMaxMs: 60_000,
  // signal-cli's send waits for Signal's servers for every recipient device; a minute is not unusual.
  requestTimeoutMs: 60_000,
} as const;

export type RpcAddress = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export function parseRpcAddress(rpc: string): RpcAddress {
  if (rpc.startsWith('unix:')) return { kind: 'unix', path: rpc.slice('unix:'.length) };
  const url = new URL(rpc);
  return { kind: 'tcp', host: url.hostname, port: Number(url.port) };
}
