import { runProcess } from './run-process.js';

// Workers only: the inbound and send queues and the outbox sweeper, for running beside one or more servers.
await runProcess({ role: 'worker' }, () => {
  process.stdout.write('Matterline worker is running\n');
});
