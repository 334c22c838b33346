/** A client waiting for a person: the first of one or more inbound messages, and the first human reply after them. */
export interface Episode {
  matterId: string;
  conversationId: string;
  askedAt: Date;
  repliedAt: Date | null;
  repliedBy: string | null;
}

export interface ResponseTimes {
  /** Times a client wrote and waited for a person (a burst of messages before a reply is one). */
  episodes: number;
  answered: number;
  answeredWithinPromise: number;
  answeredLate: number;
  /** Not answered, and waiting longer than the promise by the end of the period (or now). */
  unansweredOverdue: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  maxMinutes: number | null;
}

/** First-response times of these episodes against the firm's promised reply time, in wall-clock minutes. */
export function summarizeResponses(episodes: readonly Episode[], promisedMinutes: number, asOf: Date): ResponseTimes {
  const minutes = episodes
    .filter((e) => e.repliedAt !== null)
    .map((e) => (e.repliedAt!.getTime() - e.askedAt.getTime()) / 60_000)
    .sort((a, b) => a - b);
  const overdue = episodes.filter((e) => e.repliedAt === null && (asOf.getTime() - e.askedAt.getTime()) / 60_000 > promisedMinutes).length;
  const within = minutes.filter((m) => m <= promisedMinutes).length;
  return {
    episodes: episodes.length,
    answered: minutes.length,
    answeredWithinPromise: within,
    answeredLate: minutes.length - within,
    unansweredOverdue: overdue,
    medianMinutes: percentile(minutes, 0.5),
    p90Minutes: percentile(minutes, 0.9),
    maxMinutes: minutes.length > 0 ? round(minutes[minutes.length - 1]!) : null,
  };
}

/** Nearest-rank percentile of sorted values, to a tenth of a minute. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return round(sorted[rank - 1]!);
}

const round = (value: number) => Math.round(value * 10) / 10;
