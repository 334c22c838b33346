import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.ts$/.test(name) ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) found.push((match[1] ?? match[2] ?? match[3])!);
  return found;
}

// src/core decides; it must not reach into the adapters that serve it.
const forbidden = (file: string, specifier: string): string | null => {
  if (specifier === 'bullmq' || specifier.startsWith('bullmq/')) return 'the queue library';
  if (specifier === 'express' || specifier === 'ioredis') return `the ${specifier} adapter`;
  if (specifier.startsWith('.')) {
    const target = path.relative(path.join(root, 'src'), path.resolve(path.dirname(file), specifier));
    const top = target.split(path.sep)[0];
    if (top && ['bridges', 'jobs', 'http', 'web', 'runtime'].includes(top)) return `src/${top}`;
  }
  return null;
};

describe('the architecture', () => {
  it('finds the imports it is meant to police (the check itself works)', () => {
    expect(importsOf(`import { x } from '../jobs/workers.js';\nexport * from "../http/app.js";\nconst m = await import('bullmq');`)).toEqual([
      '../jobs/workers.js',
      '../http/app.js',
      'bullmq',
    ]);
    const core = path.join(root, 'src/core/example.ts');
    expect(forbidden(core, '../jobs/workers.js')).toBe('src/jobs');
    expect(forbidden(core, '../bridges/bridge.js')).toBe('src/bridges');
    expect(forbidden(core, 'express')).toBe('the express adapter');
    expect(forbidden(core, './events.js')).toBeNull();
    expect(forbidden(core, '../db/prisma.js')).toBeNull();
  });

  it('src/core imports nothing from bridges/, jobs/, http/, the queue or the web server', () => {
    const violations = sourceFiles(path.join(root, 'src/core')).flatMap((file) =>
      importsOf(readFileSync(file, 'utf8')).flatMap((specifier) => {
        const why = forbidden(file, specifier);
        return why ? [`${path.relative(root, file)} imports ${specifier} (${why})`] : [];
      }),
    );
    expect(violations).toEqual([]);
  });

  it('only src/config.ts reads process.env', () => {
    const readers = sourceFiles(path.join(root, 'src'))
      .filter((file) => !file.includes(`${path.sep}generated${path.sep}`))
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(readers).toEqual(['src/config.ts']);
  });
});
