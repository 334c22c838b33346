import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: undefined, redisUrl: undefined, port: 3000, queueBackend: 'auto', role: 'all' });
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/ml',
      REDIS_URL: 'redis://cache:6379',
      PORT: '8080',
      MATTERLINE_SECRET_KEY: 'ab'.repeat(32),
      MATTERLINE_ROLE: 'worker',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://u@db:5432/ml', redisUrl: 'redis://cache:6379', port: 8080, role: 'worker' });
    expect(config.secretKey?.length).toBe(32);
  });

  it.each([
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL: .*postgres/],
    ['REDIS_URL', 'not a url', /REDIS_URL/],
    ['PORT', 'eighty', /PORT/],
    ['PORT', '70000', /PORT/],
    ['MATTERLINE_SECRET_KEY', 'short', /MATTERLINE_SECRET_KEY: 32 bytes/],
    ['MATTERLINE_QUEUE_BACKEND', 'kafka', /MATTERLINE_QUEUE_BACKEND/],
    ['MATTERLINE_DEMO_PASSWORD', 'abc', /MATTERLINE_DEMO_PASSWORD: at least 8/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['MATTERLINE_SIMULATOR', 'yes', /MATTERLINE_SIMULATOR/],
    ['MATTERLINE_FETCH_ALLOW', '10.0.0.0/99', /MATTERLINE_FETCH_ALLOW: "10.0.0.0\/99"/],
    ['MATTERLINE_FETCH_ALLOW', 'http://x', /MATTERLINE_FETCH_ALLOW/],
    ['MATTERLINE_TRUST_PROXY', 'everyone', /MATTERLINE_TRUST_PROXY: "everyone"/],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('turns the demo simulator and the demo firm on only on the embedded database', () => {
    expect(loadConfig({})).toMatchObject({ simulator: true, seedDemo: true });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/ml' })).toMatchObject({ simulator: false, seedDemo: false });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/ml', MATTERLINE_SIMULATOR: 'on', MATTERLINE_SEED_DEMO: 'true' })).toMatchObject({ simulator: true, seedDemo: true });
    expect(loadConfig({ MATTERLINE_SIMULATOR: 'off', MATTERLINE_SEED_DEMO: 'false' })).toMatchObject({ simulator: false, seedDemo: false });
  });

  it('reads the fetch allow-list and the trusted proxies as lists, empty by default', () => {
    expect(loadConfig({})).toMatchObject({ fetchAllow: [], trustProxy: [] });
    expect(loadConfig({ MATTERLINE_FETCH_ALLOW: ' media.internal, 10.0.0.0/8 ,::1', MATTERLINE_TRUST_PROXY: 'loopback,10.1.2.3' })).toMatchObject({
      fetchAllow: ['media.internal', '10.0.0.0/8', '::1'],
      trustProxy: ['loopback', '10.1.2.3'],
    });
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', DATABASE_URL: 'nope' });
      expect.unreachable('loadConfig accepted bad values');
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'PORT']);
    }
  });
});
