import { z } from 'zod';

// The benchmark's settings, read once from the environment. Sizes scale with BENCH_SCALE so a development run takes
// seconds (BENCH_SCALE=0.05) and the recorded run the full sizes of issue 8 (BENCH_SCALE=1).

const sectionNames = ['raw', 'http', 'capture', 'live', 'history', 'search', 'profile', 'full'] as const;
export type SectionName = (typeof sectionNames)[number];

const benchEnvSchema = z.object({
  BENCH_SCALE: z.coerce.number().positive().max(10).default(1),
  BENCH_SECTIONS: z
    .string()
    .default(sectionNames.join(','))
    .transform((value) => value.split(',').map((name) => name.trim()).filter(Boolean))
    .pipe(z.array(z.enum(sectionNames)).min(1)),
  BENCH_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postgres'),
  BENCH_REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  // Requests in flight when measuring throughput at saturation (closed loop).
  BENCH_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
  // on: always profile the capture path; off: never; auto: when a capture target is missed.
  BENCH_PROFILE: z.enum(['auto', 'on', 'off']).default('auto'),
  // Where to write the figures as JSON besides printing the table.
  BENCH_OUT: z.string().min(1).optional(),
  // The level the server and the worker log at: info is what production runs.
  BENCH_LOG_LEVEL: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
  BENCH_KEEP_LOGS: z.enum(['0', '1']).default('0'),
  // 1: the sections' databases are left for a look afterwards (EXPLAIN a slow search); drop them by hand.
  BENCH_KEEP_DATABASES: z.enum(['0', '1']).default('0'),
});

export interface BenchConfig {
  scale: number;
  sections: Set<SectionName>;
  serverUrl: string;
  redisUrl: string;
  concurrency: number;
  profile: 'auto' | 'on' | 'off';
  out: string | undefined;
  logLevel: string;
  keepLogs: boolean;
  keepDatabases: boolean;
}

export function loadBenchConfig(env: Record<string, string | undefined>): BenchConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('BENCH_') && value));
  const parsed = benchEnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`bad benchmark settings:\n${problems}`);
  }
  const raw = parsed.data;
  return {
    scale: raw.BENCH_SCALE,
    sections: new Set(raw.BENCH_SECTIONS),
    serverUrl: raw.BENCH_DATABASE_URL,
    redisUrl: raw.BENCH_REDIS_URL,
    concurrency: raw.BENCH_CONCURRENCY,
    profile: raw.BENCH_PROFILE,
    out: raw.BENCH_OUT,
    logLevel: raw.BENCH_LOG_LEVEL,
    keepLogs: raw.BENCH_KEEP_LOGS === '1',
    keepDatabases: raw.BENCH_KEEP_DATABASES === '1',
  };
}

/** A size scaled by BENCH_SCALE, never below a floor that still measures something. */
export const scaled = (config: BenchConfig, full: number, floor: number): number => Math.max(floor, Math.round(full * config.scale));
