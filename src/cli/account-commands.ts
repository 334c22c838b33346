import { Command } from 'commander';
import qrcode from 'qrcode-terminal';
import type pg from 'pg';
import type { CliContext } from '../cli.js';
import { exitCodes } from '../cli.js';
import { AppError } from '../core/errors.js';

const renderQr = (text: string): Promise<string> => new Promise((resolve) => qrcode.generate(text, { small: true }, resolve));

// States after which waiting longer changes nothing: a person must act (scan again after a logout, appeal a ban).
const hopeless = new Set(['logged_out', 'banned']);

/**
 * `matterline account link <id>`: for a WhatsApp (Baileys, WhatsApp Web) or Signal account added with the admin API,
 * draws the linking QR code the running Matterline process publishes (ChannelAccount.qrCode) in the terminal, again
 * whenever it changes, until the phone has linked (exit 0), the account ends logged out or banned, or the time runs
 * out (exit 1).
 */
export function accountCommand(context: CliContext, setExitCode: (code: number) => void): Command {
  const account = new Command('account').description('channel accounts: link one to a phone');
  account
    .command('link <accountId>')
    .description('show the QR code to scan with the phone (WhatsApp: Linked devices) until the account is connected')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .option('--interval-ms <ms>', 'how often to look', '1000')
    .action(async (accountId: string, options: { timeout: string; intervalMs: string }) => {
      const timeoutMs = Number(options.timeout) * 1000;
      const intervalMs = Number(options.intervalMs);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new AppError('bad_request', '--timeout: a number of seconds');
      if (!Number.isFinite(intervalMs) || intervalMs < 50) throw new AppError('bad_request', '--interval-ms: at least 50');
      const code = await context.withDatabase((pool) => waitForLink(context, pool, accountId, timeoutMs, intervalMs));
      setExitCode(code);
    });
  return account;
}

async function waitForLink(context: CliContext, pool: pg.Pool, accountId: string, timeoutMs: number, intervalMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let shownQr: string | null = null;
  let shownState: string | null = null;
  for (;;) {
    const found = await pool.query<{ kind: string; state: string; qrCode: string | null; address: string | null; stateReason: string | null; removedAt: Date | null }>(
      `SELECT kind, state, "qrCode", address, "stateReason", "removedAt" FROM "ChannelAccount" WHERE id = $1`,
      [accountId],
    );
    const account = found.rows[0];
    if (!account || account.removedAt) throw new AppError('not_found', `no channel account ${accountId}`);
    if (account.state === 'connected') {
      context.output.out(`linked: account ${accountId} is connected${account.address ? ` as ${account.address}` : ''}`);
      return exitCodes.ok;
    }
    if (hopeless.has(account.state)) {
      context.output.err(`account ${accountId} is ${account.state}${account.stateReason ? `: ${account.stateReason}` : ''}`);
      return exitCodes.failed;
    }
    if (account.qrCode && account.qrCode !== shownQr) {
      shownQr = account.qrCode;
      context.output.out(`Scan this code with the phone of account ${accountId} (${account.kind}):`);
      context.output.out(await renderQr(account.qrCode));
    } else if (account.state !== shownState && !account.qrCode) {
      context.output.out(`account ${accountId} is ${account.state}; waiting for its QR code (is Matterline running?)`);
    }
    shownState = account.state;
    if (Date.now() > deadline) {
      context.output.err(`not linked after ${Math.round(timeoutMs / 1000)} s (state: ${account.state})`);
      return exitCodes.failed;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
