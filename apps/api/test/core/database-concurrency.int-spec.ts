import { DataSource } from 'typeorm';
import { EMBEDDED_SETTINGS } from '../../src/core/database/embedded-postgres';
import { startTestApp, type TestApp } from '../support/test-app';
import { testBackend } from '../support/test-db';

/**
 * Many clients at once through the pool: large parameters (split over several socket reads) and
 * concurrent transactions must neither mix statements nor see each other's uncommitted rows.
 * The embedded server is the one at risk; real PostgreSQL runs the same test as the reference.
 */
describe(`database under concurrency (${testBackend()})`, () => {
  let app: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    app = await startTestApp();
    ds = app.app.get(DataSource);
    await ds.query('CREATE TABLE conc_test (id int PRIMARY KEY, payload text NOT NULL)');
  });
  afterAll(() => app?.close());

  it('runs 60 concurrent statements with 200 KiB parameters without mixing them', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const payload = String(i).padStart(3, '0').repeat(70_000);
        return ds
          .query('INSERT INTO conc_test (id, payload) VALUES ($1, $2) RETURNING id, length(payload) AS len, left(payload, 3) AS head', [i, payload])
          .then((rows: Array<{ id: number; len: number; head: string }>) => rows[0]);
      }),
    );
    results.forEach((r, i) => expect(r).toEqual({ id: i, len: 210_000, head: String(i).padStart(3, '0') }));
  });

  it('keeps concurrent transactions isolated and all-or-nothing', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ds
          .transaction(async (m) => {
            await m.query('INSERT INTO conc_test (id, payload) VALUES ($1, $2)', [1000 + i, 'x'.repeat(50_000)]);
            const seen = (await m.query('SELECT count(*)::int AS n FROM conc_test WHERE id >= 1000')) as Array<{ n: number }>;
            // Only this transaction's own uncommitted row may be visible besides committed ones.
            expect(seen[0].n).toBeGreaterThanOrEqual(1);
            if (i % 2) throw new Error('roll back the odd ones');
          })
          .catch((err: Error) => expect(err.message).toBe('roll back the odd ones')),
      ),
    );
    const rows = (await ds.query('SELECT id FROM conc_test WHERE id >= 1000 ORDER BY id')) as Array<{ id: number }>;
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, k) => 1000 + 2 * k));
  });

  // The embedded database runs with small-container memory settings; real PostgreSQL keeps its own.
  (testBackend() === 'embedded' ? it : it.skip)('runs the embedded database with the small-container memory settings', async () => {
    const show = async (name: string) => ((await ds.query(`SHOW ${name}`)) as Array<Record<string, string>>)[0][name];
    const shown = Object.fromEntries(await Promise.all(Object.keys(EMBEDDED_SETTINGS).map(async (name) => [name, await show(name)])));
    expect(shown).toEqual(EMBEDDED_SETTINGS);
  });
});
