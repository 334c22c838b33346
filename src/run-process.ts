import { ConfigError, loadConfig } from './config.js';
import type { Config } from './config.js';
import { createLogger } from './logger.js';
import type { RunningMatterline } from './runtime/start-matterline.js';
import { startMatterline } from './runtime/start-matterline.js';

/**
 * Starts a Matterline process and wires SIGTERM/SIGINT to a graceful stop: intake stops, workers drain, then
 * PostgreSQL and Redis close. A second signal exits at once.
 */
export async function runProcess(overrides: Partial<Config>, onStarted: (running: RunningMatterline) => void): Promise<void> {
  let config: Config;
  try {
    config = { ...loadConfig(), ...overrides };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  let running: RunningMatterline | undefined;
  let signals = 0;
  let stopRequested: string | undefined;
  const stopNow = (current: RunningMatterline, signal: string) => {
    logger.info({ signal }, 'stopping: no new work, draining what is running');
    current.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stopped with errors');
        process.exit(1);
      },
    );
  };
  // Installed before anything starts: a signal during start-up (migrations, the first outbox sweep) is honoured once
  // the process is up, instead of killing it half-started.
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    if (running) stopNow(running, signal);
    else stopRequested = signal;
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    running = await startMatterline(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'Matterline could not start');
    process.exit(1);
  }
  if (stopRequested) {
    stopNow(running, stopRequested);
    return;
  }
  onStarted(running);
}
