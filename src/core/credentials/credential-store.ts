// Where a bridge keeps what it needs to reconnect without a person (WhatsApp session keys, a browser session).
// The core gives each bridge a store for its own account; values are opaque bytes to the store.

export interface CredentialStore {
  /** The value under `key`, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Values of many keys at once; a missing key is absent from the map. */
  getMany(keys: readonly string[]): Promise<Map<string, Buffer>>;
  /**
   * Writes several keys atomically: every entry is stored, or none. A null value deletes its key. A bridge writes
   * related keys together (Baileys' signal sessions and pre-keys) so that a crash never leaves half a key change.
   */
  set(entries: readonly { key: string; value: Buffer | null }[]): Promise<void>;
  /** Keys starting with `prefix` (all keys when empty). */
  keys(prefix?: string): Promise<string[]>;
  /** Deletes every key of the account: after a logout the session is worthless and must not be reused. */
  clear(): Promise<void>;
}

/** Gives a bridge the store of its account. */
export type CredentialStoreFactory = (accountId: string) => CredentialStore;
