import type { OutboxJob } from '../ports.js';

export const noticeJobId = (recipientId: string): string => `notice-${recipientId}`;

/** The job that writes one client's notice message. */
export function noticeJob(recipientId: string, runAfter?: Date): OutboxJob {
  return { jobName: 'notice', jobId: noticeJobId(recipientId), payload: { recipientId }, ...(runAfter ? { runAfter } : {}) };
}
