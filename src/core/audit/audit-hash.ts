import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** The prevHash of the first row of the chain. */
export const genesisHash = '0'.repeat(64);

/** The fields a row's hash covers: everything but its id (a sequence value) and the hashes themselves. */
export interface HashedAuditFields {
  firmId: string | null;
  actorUserId: string | null;
  actorKind: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: unknown;
  createdAt: Date;
}

/** sha256(prevHash + canonical JSON of the row's fields), hex. */
export function auditHash(prevHash: string, fields: HashedAuditFields): string {
  const body = canonicalJson({
    firmId: fields.firmId,
    actorUserId: fields.actorUserId,
    actorKind: fields.actorKind,
    action: fields.action,
    subjectType: fields.subjectType,
    subjectId: fields.subjectId,
    details: fields.details,
    createdAt: fields.createdAt.toISOString(),
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}
