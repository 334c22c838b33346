import type { OutboxJob } from '../ports.js';

/**
 * The job of one reminder at one time. The send time is part of the id: moving the event gives the reminder a new
 * job, and the old one (still waiting in the queue) finds the reminder's time changed and does nothing.
 */
export const reminderJobId = (reminderId: string, sendAt: Date): string => `reminder-${reminderId}-${sendAt.getTime()}`;

export function reminderJob(reminderId: string, sendAt: Date): OutboxJob {
  return {
    jobName: 'reminder',
    jobId: reminderJobId(reminderId, sendAt),
    payload: { reminderId, sendAt: sendAt.toISOString() },
    runAfter: sendAt,
  };
}
