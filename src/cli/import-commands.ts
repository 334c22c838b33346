import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { CliContext } from '../cli.js';
import { exitCodes } from '../cli.js';
import { AppError } from '../core/errors.js';
import { importClients } from '../core/setup/import-clients.js';
import { importMatters } from '../core/setup/import-matters.js';
import type { ImportReport } from '../core/setup/read-csv.js';

type Importer = typeof importClients;

/** `matterline import clients|matters <file.csv>`: checked line by line, all or nothing, with --dry-run. */
export function importCommand(context: CliContext, setExitCode: (code: number) => void): Command {
  const command = new Command('import').description('import clients and matters from CSV');
  const add = (name: string, columns: string, importer: Importer) =>
    command
      .command(`${name} <file>`)
      .description(`import ${name} from a CSV file with a header row (${columns}); nothing is written if any line is wrong`)
      .requiredOption('--firm <slug>', 'the firm')
      .option('--dry-run', 'check every line and say what would be created; write nothing')
      .option('--json', 'print the report as JSON')
      .action(async (file: string, options: { firm: string; dryRun?: boolean; json?: boolean }) => {
        const csv = await readFile(file, 'utf8').catch((error: unknown) => {
          throw new AppError('bad_request', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
        });
        const report = await context.withDatabase((pool) => importer(pool, { firm: options.firm, csv, dryRun: Boolean(options.dryRun), source: file }));
        print(context, name, report, Boolean(options.json));
        setExitCode(report.errors.length > 0 ? exitCodes.failed : exitCodes.ok);
      });
  add('clients', 'name, email, language, time_zone, tags, phone, account, consent, notes', importClients);
  add('matters', 'number, title, client, practice_area, status, tags, responsible, members', importMatters);
  return command;
}

function print(context: CliContext, name: string, report: ImportReport, json: boolean): void {
  if (json) {
    context.output.out(JSON.stringify(report));
    return;
  }
  for (const error of report.errors) context.output.err(`line ${error.line}${error.field ? `, ${error.field}` : ''}: ${error.message}`);
  const creating = report.rows.filter((row) => row.action === 'create').length;
  const existing = report.rows.length - creating;
  if (report.errors.length > 0) {
    context.output.err(`${report.errors.length} problem(s) in ${new Set(report.errors.map((e) => e.line)).size} line(s); nothing was imported`);
  } else if (report.dryRun) {
    for (const row of report.rows) context.output.out(`line ${row.line}: ${row.action === 'create' ? 'would create' : 'already in the record:'} ${row.what}`);
    context.output.out(`dry run: ${creating} ${name} would be created, ${existing} already in the record; nothing was written`);
  } else {
    context.output.out(`imported ${report.created} ${name}; ${existing} already in the record`);
  }
}
