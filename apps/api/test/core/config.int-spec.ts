import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/core/config/config';

const main = path.resolve(__dirname, '../../../../dist/api/apps/api/src/main.js');

describe('configuration', () => {
  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://root@localhost/db' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://localhost:6379' }],
    ['MOXNAS_LOG_LEVEL', { MOXNAS_LOG_LEVEL: 'loud' }],
    ['MOXNAS_JWT_SECRET', { MOXNAS_JWT_SECRET: 'short' }],
  ])('rejects a bad %s naming it', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
      expect((err as Error).message).toContain(variable);
    }
  });

  it('defaults to the embedded database, in-process cache and port 8000', () => {
    const c = loadConfig({}, '/srv/x');
    expect(c.port).toBe(8000);
    expect(c.database).toEqual({ kind: 'embedded', dataDir: '/srv/x/.moxnas/data/pglite', poolSize: 10 });
    expect(c.redisUrl).toBeUndefined();
    expect(c.etcRoot).toBe('/srv/x/.moxnas/etc');
  });

  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://x/y'],
  ])('the built server exits non-zero with one line naming a bad %s', (variable, value) => {
    if (!fs.existsSync(main)) throw new Error(`build the API first (npm run build): ${main} is missing`);
    const res = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH, [variable]: value }, encoding: 'utf8', timeout: 20000 });
    expect(res.status).not.toBe(0);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(variable);
  });
});
