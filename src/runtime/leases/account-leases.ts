import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

// Invariant 5: a firm's WhatsApp or Signal account is connected by exactly one process at a time, across machines.
// A lease says who; its fencing token grows with every new holder, so a holder that lost its lease (paused, cut off)
// can be told apart from the current one.

export interface AccountLease {
  accountId: string;
  token: bigint;
  /** Extends the lease; false when it was lost (expired and taken, or the connection holding it died). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface AccountLeases {
  /** This process's name in leases and logs. */
  readonly holderId: string;
  /** Takes the account's lease if nobody holds it; null when another process does. */
  tryAcquire(accountId: string): Promise<AccountLease | null>;
  close(): Promise<void>;
}

export const leaseTtlMs = 15_000;

/**
 * Redis form: `SET key holder:token NX PX ttl`, renewed by compare-and-extend, released by compare-and-delete; the
 * fencing token is an INCR per account. A dead holder's lease lapses after the TTL.
 */
export function redisAccountLeases(options: { url: string; prefix: string }): AccountLeases {
  const redis = new Redis(options.url, { maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  const holderId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const key = (accountId: string) => `${options.prefix}:lease:${accountId}`;
  const extend = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
  const remove = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
  return {
    holderId,
    async tryAcquire(accountId) {
      const token = BigInt(await redis.incr(`${options.prefix}:lease-token:${accountId}`));
      const value = `${holderId}:${token}`;
      const taken = await redis.set(key(accountId), value, 'PX', leaseTtlMs, 'NX');
      if (taken !== 'OK') return null;
      return {
        accountId,
        token,
        renew: async () => (await redis.eval(extend, 1, key(accountId), value, String(leaseTtlMs))) === 1,
        release: async () => void (await redis.eval(remove, 1, key(accountId), value)),
      };
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * PostgreSQL form (the embedded default): a session advisory lock per account on a connection of its own, so the
 * lease ends the moment its holder's connection does (a killed process loses it at once). The fencing token is
 * ChannelAccount.leaseToken, incremented by each new holder.
 */
export function postgresAccountLeases(options: { databaseUrl: string }): AccountLeases {
  const holderId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const clients = new Set<pg.Client>();
  const lockKey = (accountId: string) => createHash('sha256').update(`matterline-account:${accountId}`).digest().readBigInt64BE(0);
  return {
    holderId,
    async tryAcquire(accountId) {
      const client = new pg.Client({ connectionString: options.databaseUrl, application_name: `matterline-lease-${accountId}` });
      let dead = false;
      client.on('error', () => {
        dead = true;
      });
      client.on('end', () => {
        dead = true;
      });
      await client.connect();
      const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [lockKey(accountId).toString()]);
      if (!locked.rows[0]?.locked) {
        await client.end();
        return null;
      }
      clients.add(client);
      const fenced = await client.query<{ leaseToken: string }>(
        `UPDATE "ChannelAccount" SET "leaseToken" = COALESCE("leaseToken", 0) + 1, "leaseHolder" = $2 WHERE id = $1
         RETURNING "leaseToken"::text`,
        [accountId, holderId],
      );
      return {
        accountId,
        token: BigInt(fenced.rows[0]?.leaseToken ?? '0'),
        async renew() {
          if (dead) return false;
          try {
            await client.query('SELECT 1');
            return true;
          } catch {
            return false;
          }
        },
        async release() {
          clients.delete(client);
          await client.end().catch(() => undefined);
        },
      };
    },
    async close() {
      await Promise.all([...clients].map((client) => client.end().catch(() => undefined)));
      clients.clear();
    },
  };
}
