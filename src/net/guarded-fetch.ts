import dns from 'node:dns';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../core/errors.js';

// The one way Matterline fetches a URL that came from outside the firm: a provider's media URL, anything a sender can
// influence, the firm's own webhook receivers and provider API bases an admin typed. A stranger must not be able to
// make the server reach its own network (the cloud metadata service at 169.254.169.254, a database on 10.0.0.5, the
// admin port on 127.0.0.1). The address is checked where it matters: on each address DNS gives (so a name that
// resolves to a private address is refused before any connection), and again on the socket's remote address once
// connected (a literal address, or a resolver that answered differently the second time: DNS rebinding). Redirects
// are followed by hand, each hop checked the same way. Size and time are capped.

/** What the guard allows besides public unicast addresses (MATTERLINE_FETCH_ALLOW): host names and CIDR ranges. */
export interface FetchAllowList {
  hosts: ReadonlySet<string>;
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export function parseFetchAllowList(entries: readonly string[]): FetchAllowList {
  const hosts = new Set<string>();
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  for (const entry of entries) {
    const value = entry.trim().toLowerCase();
    if (value === '') continue;
    if (ipaddr.isValid(value)) {
      const address = ipaddr.process(value);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (value.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(value);
      const mapped = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress();
      ranges.push(mapped ? [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)] : [address, bits]);
    } else {
      hosts.add(value.replace(/\.$/, ''));
    }
  }
  return { hosts, ranges };
}

/**
 * Why an address may not be fetched, or null when it may: only public unicast addresses (ipaddr.js' "unicast" range),
 * with IPv4-mapped IPv6 judged as the IPv4 address it carries, unless the allow-list names its range.
 */
export function refusedAddress(address: string, allow: FetchAllowList): string | null {
  if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
  const parsed = ipaddr.process(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  for (const [range, bits] of allow.ranges) {
    if (range.kind() === parsed.kind() && parsed.match(range, bits)) return null;
  }
  const range = parsed.range();
  return range === 'unicast' ? null : `${parsed.toString()} is a ${rangeName(range)} address`;
}

function rangeName(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    linkLocal: 'link-local',
    carrierGradeNat: 'carrier-grade NAT',
    uniqueLocal: 'unique-local',
    multicast: 'multicast',
    unspecified: 'unspecified',
    broadcast: 'broadcast',
    reserved: 'reserved',
  };
  return names[range] ?? `non-public (${range})`;
}

export interface GuardedRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** The answer's body is cut off past this many bytes (payload_too_large). */
  maxBytes: number;
  /** The whole exchange, redirects included. */
  timeoutMs: number;
  /** Redirects followed (GET only; each hop checked again); 0 returns the 3xx itself. */
  maxRedirects?: number;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface GuardedFetcher {
  fetch(url: string, request: GuardedRequest): Promise<GuardedResponse>;
}

/** Refused by the guard: the URL or an address it leads to is not one the server may reach. */
export const isFetchRefused = (error: unknown): boolean => error instanceof AppError && error.details?.refusedBy === 'fetch-guard';

const refuse = (message: string) => new AppError('bad_request', message, { refusedBy: 'fetch-guard' });

export function createGuardedFetcher(allowEntries: readonly string[]): GuardedFetcher {
  const allow = parseFetchAllowList(allowEntries);

  // Every address DNS answers for a name must be allowed; a name whose answer mixes public and private addresses is
  // refused whole (a rebinding setup often does that).
  const lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as dns.LookupAddress[];
      const refused = list.map((entry) => refusedAddress(entry.address, allow)).find((reason) => reason !== null);
      if (refused || list.length === 0) {
        return callback(refuse(`refused to fetch from ${hostname}: ${refused ?? 'no address'}`) as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, list as unknown as string, 0);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };

  const once = (target: URL, request: GuardedRequest, deadline: number): Promise<GuardedResponse> =>
    new Promise((resolve, reject) => {
      const hostname = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
      const allowedByName = allow.hosts.has(hostname.replace(/\.$/, ''));
      if (net.isIP(hostname) && !allowedByName) {
        const refused = refusedAddress(hostname, allow);
        if (refused) return reject(refuse(`refused to fetch ${target.protocol}//${target.host}: ${refused}`));
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return reject(new AppError('unavailable', 'the fetch timed out'));
      const transport = target.protocol === 'https:' ? https : http;
      const req = transport.request(target, {
        method: request.method ?? 'GET',
        headers: request.headers,
        ...(allowedByName ? {} : { lookup }),
        // A fresh connection every time: a pooled socket's address was checked for another request.
        agent: false,
      });
      const timer = setTimeout(() => req.destroy(new AppError('unavailable', `the fetch timed out after ${request.timeoutMs} ms`)), remaining);
      timer.unref();
      const done = (error: unknown, value?: GuardedResponse) => {
        clearTimeout(timer);
        if (error) reject(error instanceof AppError ? error : new AppError('unavailable', `the fetch failed: ${(error as Error).message}`, {}, { cause: error }));
        else resolve(value!);
      };
      req.on('socket', (socket: Socket) => {
        const check = () => {
          if (allowedByName) return;
          const refused = socket.remoteAddress ? refusedAddress(socket.remoteAddress, allow) : 'no remote address';
          if (refused) req.destroy(refuse(`refused to fetch from ${hostname}: connected to ${refused}`));
        };
        if (socket.connecting) socket.once('connect', check);
        else check();
      });
      req.on('error', (error) => done(error));
      req.on('response', (response) => {
        const declared = Number(response.headers['content-length'] ?? '0');
        if (declared > request.maxBytes) {
          response.destroy();
          return done(new AppError('payload_too_large', `the answer is ${declared} bytes, more than the ${request.maxBytes} allowed`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > request.maxBytes) {
            response.destroy();
            req.destroy();
            return done(new AppError('payload_too_large', `the answer is larger than the ${request.maxBytes} bytes allowed`));
          }
          chunks.push(chunk);
        });
        response.on('error', (error) => done(new AppError('unavailable', `the download broke off: ${error.message}`, {}, { cause: error })));
        response.on('end', () => {
          if (size > request.maxBytes) return;
          done(null, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      if (request.body !== undefined) req.end(request.body);
      else req.end();
    });

  return {
    async fetch(url, request) {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        throw refuse('refused to fetch: not a URL');
      }
      const deadline = Date.now() + request.timeoutMs;
      let headers = request.headers;
      for (let hop = 0; ; hop++) {
        if (target.protocol !== 'http:' && target.protocol !== 'https:') throw refuse(`refused to fetch a ${target.protocol} URL`);
        if (target.username || target.password) throw refuse('refused to fetch a URL with credentials in it');
        const response = await once(target, { ...request, headers }, deadline);
        const location = response.headers.location;
        const redirect = response.status >= 300 && response.status < 400 && location !== undefined;
        if (!redirect || (request.method ?? 'GET') !== 'GET' || hop >= (request.maxRedirects ?? 0)) return response;
        const next = new URL(location, target);
        // Credentials never follow a redirect to another origin (Twilio sends its media from a storage host).
        if (next.origin !== target.origin && headers) {
          headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !['authorization', 'cookie'].includes(name.toLowerCase())));
        }
        target = next;
      }
    },
  };
}
