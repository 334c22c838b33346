import { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../core/errors.js';
import { saveFirmHours } from '../core/setup/save-firm-hours.js';
import type { CliContext } from '../cli.js';

const dayNumbers: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

/** "mon-fri", "mon,wed,fri", "sat" -> ISO weekdays. */
export function parseDays(days: string): number[] {
  const result = new Set<number>();
  for (const part of days.toLowerCase().split(',').map((p) => p.trim())) {
    const [from, to] = part.split('-') as [string, string | undefined];
    const start = dayNumbers[from];
    const end = to === undefined ? start : dayNumbers[to];
    if (start === undefined || end === undefined || end < start) throw new AppError('bad_request', `--days: "${part}" is not a day or range like mon-fri`);
    for (let day = start; day <= end; day++) result.add(day);
  }
  return [...result].sort();
}

const jsonOption = (name: string, value: string | undefined): unknown => {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new AppError('bad_request', `${name}: not JSON`);
  }
};

/** `matterline hours set`: the firm's office hours (or one account's). */
export function hoursCommand(context: CliContext): Command {
  const hours = new Command('hours').description('office hours: set them');
  hours
    .command('set')
    .description('set the firm\'s office hours (or one account\'s): --days mon-fri --open 09:00 --close 17:30, or --weekly JSON')
    .requiredOption('--firm <slug>', 'the firm')
    .requiredOption('--time-zone <zone>', 'the IANA time zone the hours are in, e.g. America/New_York')
    .option('--account <id>', 'hours of this channel account only')
    .option('--days <days>', 'open days, e.g. mon-fri or mon,wed,fri')
    .option('--open <HH:MM>', 'opening time on those days')
    .option('--close <HH:MM>', 'closing time on those days')
    .option('--weekly <json>', 'the whole week as JSON: {"1":[["09:00","12:00"],["13:00","17:30"]],...} (1 = Monday)')
    .option('--closures <json>', 'closed dates as JSON: [{"from":"2026-12-24","to":"2026-12-26","label":"Holidays"}]')
    .action(async (options: { firm: string; timeZone: string; account?: string; days?: string; open?: string; close?: string; weekly?: string; closures?: string }) => {
      let weekly = jsonOption('--weekly', options.weekly);
      if (weekly === undefined) {
        const simple = z.object({ days: z.string(), open: z.string(), close: z.string() }).safeParse(options);
        if (!simple.success) throw new AppError('bad_request', 'give --days, --open and --close, or --weekly');
        weekly = Object.fromEntries(parseDays(simple.data.days).map((day) => [String(day), [[simple.data.open, simple.data.close]]]));
      }
      const input = { timeZone: options.timeZone, weekly, closures: jsonOption('--closures', options.closures) ?? [] };
      const saved = await context.withDatabase((pool) => saveFirmHours(pool, { firm: options.firm, accountId: options.account, input }));
      context.output.out(`office hours saved for ${options.account ? `account ${options.account}` : `firm ${options.firm}`} (${saved.timeZone})`);
    });
  return hours;
}
