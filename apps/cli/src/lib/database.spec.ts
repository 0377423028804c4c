import { describeDatabase } from './database';

describe('describeDatabase', () => {
  it('names the server and database without the password', () => {
    const text = describeDatabase({ database: { kind: 'postgres', url: 'postgresql://moxnas:s3cret%40x@127.0.0.1:5433/moxnas', poolSize: 2 } });
    expect(text).toBe('PostgreSQL moxnas@127.0.0.1:5433/moxnas');
    expect(text).not.toContain('s3cret');
  });

  it('defaults the port and says where the embedded database lives', () => {
    expect(describeDatabase({ database: { kind: 'postgres', url: 'postgres://db.example/app', poolSize: 2 } })).toBe('PostgreSQL db.example:5432/app');
    expect(describeDatabase({ database: { kind: 'embedded', dataDir: '/var/lib/moxnas/pglite', poolSize: 2 } })).toBe(
      'embedded PostgreSQL in /var/lib/moxnas/pglite',
    );
  });
});
