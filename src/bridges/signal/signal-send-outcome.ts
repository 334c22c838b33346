import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { RpcOutcome } from './json-rpc-connection.js';

// What signal-cli's `send` answers, judged: a provider id, or an error the send job understands (bad_request = never
// retry, anything else = retry), or a challenge that only a person can answer.

const resultSchema = z.looseObject({
  type: z.string().optional(),
  token: z.string().nullish(),
  retryAfterSeconds: z.number().nullish(),
});
const sendResultSchema = z.looseObject({
  timestamp: z.number().int().positive(),
  results: z.array(resultSchema).nullish(),
});
const errorDataSchema = z.looseObject({
  response: z.looseObject({ results: z.array(resultSchema).nullish() }).nullish(),
});

export type SendJudgement =
  | { kind: 'sent'; providerMessageId: string }
  | { kind: 'challenge'; reason: string; error: AppError }
  | { kind: 'failed'; error: AppError };

const challengePattern = /captcha|proof.?required|challenge/i;

// signal-cli (JsonSendMessageResult.java) has no PROOF_REQUIRED_FAILURE: a CAPTCHA challenge is a RATE_LIMIT_FAILURE
// that carries the challenge `token`; a plain rate limit has none (only retryAfterSeconds).
const challengeIn = (results: readonly z.infer<typeof resultSchema>[]) => results.find((r) => r.type === 'RATE_LIMIT_FAILURE' && r.token);

export function judgeSendOutcome(outcome: RpcOutcome): SendJudgement {
  if (outcome.ok) {
    const parsed = sendResultSchema.safeParse(outcome.result);
    // Accepted without a timestamp: it may be on its way, so it is failed for a person to check rather than resent.
    if (!parsed.success) return { kind: 'failed', error: new AppError('bad_request', 'signal-cli accepted the message but returned no timestamp') };
    const results = parsed.data.results ?? [];
    const challenge = challengeIn(results);
    if (challenge) return challengeOf(challenge.token, 'a recipient');
    const failures = results.filter((r) => r.type && r.type !== 'SUCCESS');
    if (results.length > 0 && failures.length === results.length) return failureOf(failures.map((r) => r.type!), 'signal-cli could not deliver');
    return { kind: 'sent', providerMessageId: String(parsed.data.timestamp) };
  }
  const { error } = outcome;
  // Error data is {response: {timestamp, results}} (SignalJsonRpcCommandHandler.getErrorDataNode); -5 is its
  // RATELIMIT_ERROR, raised when every result was a rate-limit failure, a CAPTCHA's token among them or not.
  const results = errorDataSchema.safeParse(error.data).data?.response?.results ?? [];
  const challenge = challengeIn(results);
  if (challenge || challengePattern.test(error.message)) return challengeOf(challenge?.token, error.message);
  if (error.code === -5) {
    const retryAfter = Math.max(0, ...results.map((r) => r.retryAfterSeconds ?? 0));
    return {
      kind: 'failed',
      error: new AppError('rate_limited', `Signal rate-limited the send: ${error.message}${retryAfter ? ` (retry after ${retryAfter} s)` : ''}`, {
        ...(retryAfter ? { retryAfterSeconds: retryAfter } : {}),
      }),
    };
  }
  const types = results.map((r) => r.type).filter((t): t is string => !!t);
  if (types.length > 0) return failureOf(types, `signal-cli refused the message: ${error.message}`);
  // JSON-RPC's own codes: the request was malformed, which resending cannot fix.
  if (error.code === -32600 || error.code === -32602 || error.code === -32601) {
    return { kind: 'failed', error: new AppError('bad_request', `signal-cli refused the message: ${error.message} (code ${error.code})`) };
  }
  // signal-cli's user errors (-1: unknown recipient, bad group id, ...) are permanent too.
  if (error.code === -1) return { kind: 'failed', error: new AppError('bad_request', `signal-cli refused the message: ${error.message}`) };
  return { kind: 'failed', error: new AppError('unavailable', `signal-cli failed to send: ${error.message} (code ${error.code})`) };
}

function challengeOf(token: string | null | undefined, what: string): SendJudgement {
  const reason =
    `Signal asks for a CAPTCHA before more messages can be sent (${what}). Solve one at https://signalcaptchas.org/challenge/generate.html, ` +
    `then run: signal-cli submitRateLimitChallenge --challenge ${token ?? '<token from the log>'} --captcha <captcha>, and resume the account.`;
  return { kind: 'challenge', reason, error: new AppError('unavailable', `sends paused: ${reason}`) };
}

function failureOf(types: string[], message: string): SendJudgement {
  if (types.every((t) => t === 'UNREGISTERED_FAILURE')) {
    return { kind: 'failed', error: new AppError('bad_request', `${message}: the recipient is not on Signal`) };
  }
  if (types.includes('RATE_LIMIT_FAILURE')) return { kind: 'failed', error: new AppError('rate_limited', `${message}: rate-limited by Signal`) };
  if (types.every((t) => t === 'IDENTITY_FAILURE')) {
    // The contact's safety number changed: a person must trust the new key before anything is sent.
    return { kind: 'failed', error: new AppError('bad_request', `${message}: the recipient's safety number changed`) };
  }
  return { kind: 'failed', error: new AppError('unavailable', `${message}: ${types.join(', ')}`) };
}
