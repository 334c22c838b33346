import type { Role } from '../access/viewer.js';

// LEDES 1998B's TIMEKEEPER_CLASSIFICATION takes the LEDES Oversight Committee's timekeeper classification codes;
// e-billing portals refuse other values. A user's own classification (set by the firm's admin) wins; without one it
// follows the role: lawyers are associates until the firm says partner or of counsel, staff are paralegals.

export const timekeeperClassifications = {
  PARTNR: 'Partner',
  ASSOCT: 'Associate',
  OFCOUN: 'Of counsel',
  PARLEG: 'Paralegal',
  LEGAST: 'Legal assistant',
  OTHTKR: 'Other timekeeper',
} as const;
export type TimekeeperClassification = keyof typeof timekeeperClassifications;
export const timekeeperClassificationCodes = Object.keys(timekeeperClassifications) as [TimekeeperClassification, ...TimekeeperClassification[]];

const byRole: Record<Role, TimekeeperClassification> = {
  lawyer: 'ASSOCT',
  staff: 'PARLEG',
  supervisor: 'OTHTKR',
  admin: 'OTHTKR',
};

export function timekeeperClassificationOf(user: { classification: string | null; role: Role }): TimekeeperClassification {
  const own = user.classification;
  return own !== null && own in timekeeperClassifications ? (own as TimekeeperClassification) : byRole[user.role];
}
