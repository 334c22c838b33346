import { Command, Option } from 'commander';
import { createFirm, createFirmSchema } from '../core/setup/create-firm.js';
import { createUser, createUserSchema } from '../core/setup/create-user.js';
import type { CliContext } from '../cli.js';
import { cliInput, readStdin } from './cli-input.js';

/** `matterline firm create`: a new firm. */
export function firmCommand(context: CliContext): Command {
  const firm = new Command('firm').description('firms: create one');
  firm
    .command('create')
    .description('create a firm; then `matterline user create --role admin` for its first admin')
    .requiredOption('--name <name>', 'the firm\'s name, e.g. "Avery & Brennan LLP"')
    .requiredOption('--slug <slug>', 'a short unique name for commands, e.g. avery-brennan')
    .option('--time-zone <zone>', 'the firm\'s IANA time zone', 'America/New_York')
    .option('--language <language>', 'the default language of client messages (en or es)', 'en')
    .action(async (options: { name: string; slug: string; timeZone: string; language: string }) => {
      const input = cliInput(createFirmSchema, options);
      const created = await context.withDatabase((pool) => createFirm(pool, input));
      context.output.out(`created firm ${created.slug} (${created.id})`);
    });
  return firm;
}

/** `matterline user create`: a user of a firm, with a password from stdin or a one-time token to set one. */
export function userCommand(context: CliContext): Command {
  const user = new Command('user').description('users: create one');
  user
    .command('create')
    .description('create a user; prints a one-time token to set the password (POST /api/auth/password-reset), or reads it from stdin')
    .requiredOption('--firm <slug>', 'the firm')
    .requiredOption('--email <email>', 'the sign-in email')
    .requiredOption('--name <name>', 'the person\'s name')
    .addOption(new Option('--role <role>', 'what they may do').choices(['admin', 'supervisor', 'lawyer', 'staff']).makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input (never from the command line, which others can see)')
    .action(async (options: { firm: string; email: string; name: string; role: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
      const input = cliInput(createUserSchema, { firm: options.firm, email: options.email, name: options.name, role: options.role, password });
      const created = await context.withDatabase((pool) => createUser(pool, input));
      context.output.out(`created ${input.role} ${input.email} (${created.id})`);
      if (created.resetToken) {
        context.output.out(`one-time password token (valid until ${created.resetTokenExpiresAt!.toISOString()}): ${created.resetToken}`);
      }
    });
  return user;
}
