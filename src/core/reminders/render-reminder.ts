import { DateTime } from 'luxon';
import type { TemplateLanguage } from '../templates/template-kinds.js';

export interface ReminderVariables {
  event: string;
  date: string;
  time: string;
  location: string;
}

/**
 * The event as the client reads it, in the client's time zone and language: "Thursday, March 12" and "10:00 AM
 * (America/New_York)", or "jueves 12 de marzo" and "10:00 (Europe/Madrid)". The zone is named because the client may
 * live elsewhere than the court.
 */
export function reminderVariables(options: {
  title: string;
  location: string | null;
  startsAt: Date;
  timeZone: string;
  language: TemplateLanguage;
}): ReminderVariables {
  const local = DateTime.fromJSDate(options.startsAt, { zone: options.timeZone });
  const date =
    options.language === 'es' ? local.setLocale('es').toFormat("cccc d 'de' LLLL") : local.setLocale('en-US').toFormat('cccc, LLLL d');
  const time = options.language === 'es' ? local.toFormat('H:mm') : local.setLocale('en-US').toFormat('h:mm a');
  return { event: options.title, date, time: `${time} (${options.timeZone})`, location: options.location ?? '' };
}
