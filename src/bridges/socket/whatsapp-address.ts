import type pg from 'pg';

// WhatsApp names one person by a phone-number JID (15551234567@s.whatsapp.net) and, since the LID migration, by a
// LID (123456789@lid) that hides the number. Both Baileys 7 and whatsapp-web.js hand us either form, sometimes both.
// The firm knows its clients by phone number, so the phone form is the address whenever it is known, and every
// other form is kept as an alias so that a later message in the other form finds the same contact identity.

const phoneJid = /^(\d{5,15})(?::\d+)?@(s\.whatsapp\.net|c\.us)$/;
const lidJid = /^(\d{1,20})(?::\d+)?@(lid)$/;

/** '+15551234567' for a phone-number JID (device suffix dropped), else null. */
export function phoneOfJid(jid: string | null | undefined): string | null {
  const match = jid ? phoneJid.exec(jid) : null;
  return match ? `+${match[1]}` : null;
}

/** '123456789@lid' for a LID JID (device suffix dropped), else null. */
export function lidOfJid(jid: string | null | undefined): string | null {
  const match = jid ? lidJid.exec(jid) : null;
  return match ? `${match[1]}@lid` : null;
}

export const isGroupJid = (jid: string | null | undefined): boolean => !!jid && jid.endsWith('@g.us');

export interface PersonForms {
  /** What the message names the person by, in the order the platform gave them. */
  jids: (string | null | undefined)[];
}

/** The address (phone form first) and every other form of one person. */
export function addressOf(jids: (string | null | undefined)[]): { address: string; aliases: string[] } | null {
  const phones = jids.map(phoneOfJid).filter((x): x is string => !!x);
  const lids = jids.map(lidOfJid).filter((x): x is string => !!x);
  const others = jids.filter((jid): jid is string => !!jid && !phoneOfJid(jid) && !lidOfJid(jid));
  const address = phones[0] ?? lids[0] ?? others[0];
  if (!address) return null;
  const aliases = [...new Set([...phones, ...lids, ...others])].filter((form) => form !== address);
  return { address, aliases };
}

/**
 * The address an already-known contact identity of this account has under any of these forms, so that a person
 * first seen by LID and later by phone number (or the reverse) stays one identity: the core files a message under
 * the identity whose address or aliases match the event's address.
 */
export async function knownAddress(pool: pg.Pool, accountId: string, forms: string[]): Promise<string | null> {
  if (forms.length === 0) return null;
  const found = await pool.query<{ address: string }>(
    `SELECT address FROM "ContactIdentity"
      WHERE "accountId" = $1 AND (address = ANY($2::text[]) OR aliases && $2::text[])
      ORDER BY (address LIKE '+%') DESC, "createdAt" ASC LIMIT 1`,
    [accountId, forms],
  );
  return found.rows[0]?.address ?? null;
}
