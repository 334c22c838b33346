import { foldWholeMessage } from './fold-text.js';

export type ConsentKeyword = 'opt_in' | 'opt_out' | 'help';

/*
 * Carrier keywords (CTIA, Twilio's defaults) and their Spanish counterparts. A keyword must be the whole message:
 * "yes please" or "stop by tomorrow" are conversation, not consent decisions. Free-text revocations are
 * detect-revocation.ts's job, and only flag for a person.
 *
 * Decisions:
 * - "OPT OUT", "OPT-OUT", "OPT_OUT" and "OPTOUT" are opt-outs, as carriers treat them; likewise "STOP ALL". Internal
 *   runs of spaces, hyphens and underscores are therefore read as one space before the lookup.
 * - "NO" is not a keyword: alone it answers any question ("Did you get the letter?" "No").
 * - "OPT IN" is not a keyword: consent is only taken from the words the consent request itself offers (YES / SÍ)
 *   or the carrier resubscribe words (START, UNSTOP).
 * - CANCEL is an opt-out as carriers require, so reminders must never ask a client to "reply CANCEL".
 * - Emoji and other symbols around the keyword are trimmed like punctuation ("STOP 🛑" stops): missing an opt-out
 *   is the worse error, and an emoji alone folds to nothing, which is not a keyword.
 */
const KEYWORDS: ReadonlyMap<string, ConsentKeyword> = new Map([
  ...['yes', 'y', 'si', 'start', 'unstop'].map((word) => [word, 'opt_in'] as const),
  ...[
    'stop',
    'stopall',
    'stop all',
    'unsubscribe',
    'cancel',
    'end',
    'quit',
    'revoke',
    'optout',
    'opt out',
    'baja',
    'alto',
    'parar',
  ].map((word) => [word, 'opt_out'] as const),
  ...['help', 'info', 'ayuda'].map((word) => [word, 'help'] as const),
]);

/** The consent keyword that the whole message is, or null when the message is anything else. */
export function classifyConsentKeyword(text: string): ConsentKeyword | null {
  const word = foldWholeMessage(text).replace(/[\s_-]+/gu, ' ');
  return KEYWORDS.get(word) ?? null;
}
