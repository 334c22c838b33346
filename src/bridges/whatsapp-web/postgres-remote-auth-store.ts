import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CredentialStore } from '../../core/credentials/credential-store.js';

// whatsapp-web.js' RemoteAuth zips the browser profile and hands it to a "store" (save/extract/delete/exists).
// This one keeps the zip in the core's credential store, encrypted in PostgreSQL. RemoteAuth writes the zip to
// `<dataPath>/<session>.zip` before save() and expects extract() to write it to the path it names.

const keyOf = (session: string) => `remote-auth:${session}`;

export interface RemoteAuthStore {
  sessionExists(options: { session: string }): Promise<boolean>;
  save(options: { session: string }): Promise<void>;
  extract(options: { session: string; path: string }): Promise<void>;
  delete(options: { session: string }): Promise<void>;
}

export function createPostgresRemoteAuthStore(options: { credentials: CredentialStore; dataPath: string }): RemoteAuthStore {
  const { credentials, dataPath } = options;
  return {
    async sessionExists({ session }) {
      return (await credentials.keys(keyOf(session))).includes(keyOf(session));
    },
    async save({ session }) {
      const zip = await readFile(path.join(dataPath, `${session}.zip`));
      await credentials.set([{ key: keyOf(session), value: zip }]);
    },
    async extract({ session, path: target }) {
      const zip = await credentials.get(keyOf(session));
      if (zip) await writeFile(target, zip, { mode: 0o600 });
    },
    async delete({ session }) {
      await credentials.set([{ key: keyOf(session), value: null }]);
    },
  };
}
