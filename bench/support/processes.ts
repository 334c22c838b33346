import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

// Matterline as it runs in production beside the benchmark: the HTTP server (src/main.ts, MATTERLINE_ROLE=server) and
// the worker (src/worker.ts), each a process of its own, logging to a file.

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface MatterlineProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resident set size now, and its peak (VmHWM) since start, in bytes. */
  memory(): { rss: number; peak: number } | null;
  /** SIGTERM, then waits for the graceful stop (profiles are written then). */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  entry: 'main' | 'worker';
  env: Record<string, string>;
  logDir: string;
  /**
   * Write V8 CPU profiles into `${cpuProfDir}/${name}` on exit: one per thread (tsx's module loader runs in a thread
   * of its own), so each process gets a folder.
   */
  cpuProfDir?: string;
}

export function spawnMatterline(options: SpawnOptions): MatterlineProcess {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const out = openSync(logFile, 'a');
  const args = [
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfDir, options.name)}`] : []),
    '--import',
    'tsx',
    path.join(repoRoot, 'src', `${options.entry}.ts`),
  ];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: options.name,
    child,
    pid: child.pid!,
    logFile,
    memory: () => readMemory(child.pid!),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function readMemory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return null;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitUntil(probe: () => Promise<boolean> | boolean, what: string, timeoutMs = 120_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve(probe()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the process logged `line` (its start message) or died. */
export async function waitForLog(proc: MatterlineProcess, line: string, timeoutMs = 120_000): Promise<void> {
  await waitUntil(() => {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}; see ${proc.logFile}`);
    return readFileSync(proc.logFile, 'utf8').includes(line);
  }, `${proc.name} to start`, timeoutMs);
}
