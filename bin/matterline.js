#!/usr/bin/env node
// The `matterline` command (package.json "bin"): runs src/cli.ts through tsx, as `npm start` runs src/main.ts, so
// the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv);
