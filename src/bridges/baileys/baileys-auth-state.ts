import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap } from '@whiskeysockets/baileys';
import { BufferJSON, initAuthCreds, proto } from '@whiskeysockets/baileys';
import type { CredentialStore } from '../../core/credentials/credential-store.js';

// Baileys' auth state (the device's creds and the Signal protocol keys) kept in the core's credential store, which
// encrypts it in PostgreSQL: the same shape as Baileys' useMultiFileAuthState, without the files. Values are JSON
// with Baileys' own BufferJSON encoding, so what Baileys reads back is byte for byte what it wrote.

const credsKey = 'creds';
const keyOf = (type: string, id: string) => `key:${type}:${id}`;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8');
const decode = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'), BufferJSON.reviver);

export interface StoredAuthState {
  state: AuthenticationState;
  /** Writes the creds; call on every creds.update and await it before going on. */
  saveCreds(): Promise<void>;
  /** Whether creds were found (a linked device) or made fresh (QR linking needed). */
  linked: boolean;
}

export async function loadBaileysAuthState(store: CredentialStore): Promise<StoredAuthState> {
  const stored = await store.get(credsKey);
  const creds = stored ? (decode(stored) as AuthenticationCreds) : initAuthCreds();
  return {
    linked: !!stored,
    saveCreds: () => store.set([{ key: credsKey, value: encode(creds) }]),
    state: {
      creds,
      keys: {
        async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
          const found = await store.getMany(ids.map((id) => keyOf(type, id)));
          const result: { [id: string]: SignalDataTypeMap[T] } = {};
          for (const id of ids) {
            const bytes = found.get(keyOf(type, id));
            if (!bytes) continue;
            let value = decode(bytes);
            // Baileys expects this one as a protobuf object, as its file store gives it.
            if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
            result[id] = value as SignalDataTypeMap[T];
          }
          return result;
        },
        async set(data: SignalDataSet) {
          // One atomic write for the whole batch: a session and the pre-key it consumed change together.
          const entries: { key: string; value: Buffer | null }[] = [];
          for (const [type, values] of Object.entries(data)) {
            for (const [id, value] of Object.entries(values ?? {})) {
              entries.push({ key: keyOf(type, id), value: value === null || value === undefined ? null : encode(value) });
            }
          }
          await store.set(entries);
        },
        async clear() {
          const keys = await store.keys('key:');
          await store.set(keys.map((key) => ({ key, value: null })));
        },
      },
    },
  };
}
