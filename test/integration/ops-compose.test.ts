import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../src/config.js';
import { repoRoot } from '../support/matterline.js';

// Docker cannot run on this machine, so the compose file and the Dockerfile are checked as text: the services, their
// health checks, volumes and environment, and that the environment is one Matterline's own config accepts.

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; retries: number };
  restart?: string;
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim());

/** What `docker compose` makes of ${NAME:?message} and ${NAME:-default}, given these variables. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind: string | undefined, rest: string) => {
    if (variables[name] !== undefined) return variables[name];
    if (kind === '?') throw new Error(`${name} is required: ${rest}`);
    return kind === '-' ? rest : '';
  });
}

const secrets = { POSTGRES_PASSWORD: 'pg-secret', MATTERLINE_SECRET_KEY: 'ab'.repeat(32), MATTERLINE_METRICS_TOKEN: 'metrics-token-0123456789abcdef' };
const environmentOf = (service: Service, variables: Record<string, string> = secrets) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), variables)]));

describe('docker-compose.yml', () => {
  it('runs Matterline, a worker, PostgreSQL and Redis, each with a health check and a restart policy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['matterline', 'postgres', 'redis', 'worker']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test.length, name).toBeGreaterThan(0);
      expect(service.restart, name).toBe('unless-stopped');
    }
    expect(compose.services.matterline!.healthcheck!.test.join(' ')).toContain('/healthz');
    expect(compose.services.postgres!.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(compose.services.redis!.healthcheck!.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('runs Redis with the append-only file on and no eviction', () => {
    const command = compose.services.redis!.command!;
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(command[command.indexOf('--maxmemory-policy') + 1]).toBe('noeviction');
  });

  it('keeps PostgreSQL, Redis and Matterline data on named volumes', () => {
    expect(compose.services.postgres!.volumes).toContain('postgres-data:/var/lib/postgresql/data');
    expect(compose.services.redis!.volumes).toContain('redis-data:/data');
    expect(compose.services.matterline!.volumes).toContain('matterline-data:/var/lib/matterline');
    expect(Object.keys(compose.volumes).sort()).toEqual(['matterline-data', 'postgres-data', 'redis-data']);
  });

  it('starts Matterline only once PostgreSQL and Redis are healthy, and the worker after it', () => {
    expect(compose.services.matterline!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(compose.services.worker!.depends_on?.matterline).toEqual({ condition: 'service_healthy' });
    expect(compose.services.worker!.image).toBe(compose.services.matterline!.image);
  });

  it('gives both Matterline processes an environment that config.ts accepts, and refuses to start without the secrets', () => {
    const known = Object.keys(configSchema.shape);
    for (const name of ['matterline', 'worker']) {
      const environment = environmentOf(compose.services[name]!);
      expect(Object.keys(environment).filter((key) => !known.includes(key)), name).toEqual([]);
      const config = loadConfig(environment);
      expect(config.databaseUrl).toBe('postgres://matterline:pg-secret@postgres:5432/matterline');
      expect(config.redisUrl).toBe('redis://redis:6379');
      expect(config.queueBackend).toBe('redis');
      expect(config.secretKey?.length).toBe(32);
      expect(config.metricsToken).toBe(secrets.MATTERLINE_METRICS_TOKEN);
      expect(config.seedDemo).toBe(false);
      // A deployment: the demo simulator is off, no proxy is believed and nothing private is fetched unless named.
      expect(config.simulator).toBe(false);
      expect(config.trustProxy).toEqual([]);
      expect(config.fetchAllow).toEqual([]);
    }
    expect(loadConfig(environmentOf(compose.services.matterline!))).toMatchObject({ role: 'all', host: '0.0.0.0', port: 3000 });
    expect(loadConfig(environmentOf(compose.services.worker!)).role).toBe('worker');
    for (const missing of Object.keys(secrets)) {
      const variables: Record<string, string> = { ...secrets };
      delete variables[missing];
      expect(() => environmentOf(compose.services.matterline!, variables)).toThrow(`${missing} is required`);
    }
  });
});

describe('Dockerfile', () => {
  it('builds on Node 20, runs as an unprivileged user, checks /healthz and starts Matterline without a shell', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/healthz/m);
    expect(dockerfile).toContain('CMD ["node", "--import", "tsx", "src/main.ts"]');
    expect(dockerfile).toContain('npm ci --omit=dev');
  });

  it('copies only files that exist, and leaves secrets, data and dependencies out of the build context', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1]!.split(/\s+/));
    expect(copied.length).toBeGreaterThan(5);
    for (const source of copied) expect(existsSync(path.join(repoRoot, source)), source).toBe(true);
    for (const ignored of ['.git', '.data', 'node_modules', '.env', 'test']) expect(dockerignore).toContain(ignored);
  });
});
