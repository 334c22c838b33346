// How long a session lives (failed sign-ins are slowed per address: sign-in-throttle.ts). One place, so the tests and the cookie agree with the record.

/** A session unused for this long is over. */
export const sessionIdleMs = 12 * 60 * 60 * 1000;
/** A session is over this long after sign-in, however busy. */
export const sessionAbsoluteMs = 7 * 24 * 60 * 60 * 1000;
/** A password-checked session waiting for its TOTP code. */
export const mfaPendingMs = 5 * 60 * 1000;
/** lastSeenAt is written at most this often, so reading the inbox is not a write per request. */
export const sessionTouchMs = 60 * 1000;

/** An invitation's or reset's one-time token is good for this long. */
export const resetTokenMs = 72 * 60 * 60 * 1000;

export const minPasswordLength = 12;
