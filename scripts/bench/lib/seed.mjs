/* global performance */
// Fixtures for the HTTP and apply figures: pools through the API, SMB shares through the API or,
// in bulk, by SQL into the shares migration's table (apps/api/src/migrations/*-shares.ts).
import fs from 'node:fs';
import path from 'node:path';

/** 50 pools = 50 directories registered through POST /api/storage/pools. */
export async function createPools(api, token, count) {
  const pools = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(api.dir, 'pools', `p${i}`);
    fs.mkdirSync(dir, { recursive: true });
    const r = await api.request('POST', '/api/storage/pools', { token, body: { name: `bench${i}`, path: dir } });
    if (r.status !== 201 && r.status !== 200) throw new Error(`pool ${i}: ${r.status} ${r.text}`);
    pools.push({ id: r.body.id, path: r.body.path ?? dir });
  }
  return pools;
}

/** Whether the SMB shares API is served by this build (the shares module may still be in progress). */
export async function smbSharesApiPresent(api, token) {
  const r = await api.request('GET', '/api/shares/smb?pageSize=1', { token });
  return r.status === 200 ? { ok: true } : { ok: false, reason: `GET /api/shares/smb answered ${r.status}${r.body?.message ? ` (${r.body.message})` : ''}` };
}

export function shareBody(pool, name) {
  const dir = path.join(pool.path, name);
  fs.mkdirSync(dir, { recursive: true });
  return { name, path: dir };
}

/** Creates one share through the API; returns the elapsed ms (create → applied). */
export async function createShareViaApi(api, token, pool, name) {
  const t = performance.now();
  const r = await api.request('POST', '/api/shares/smb', { token, body: shareBody(pool, name) });
  const elapsed = performance.now() - t;
  if (r.status !== 201) throw new Error(`creating share ${name}: ${r.status} ${r.text.slice(0, 500)}`);
  return { ms: elapsed, apply: r.body.apply };
}

/**
 * Inserts shares `from`…`to-1` (names bench<i>) by SQL, spread over the pools, with the column
 * defaults of the migration; the directories are made so the paths are real.
 */
export async function insertSharesSql(api, pools, from, to) {
  if (to <= from) return;
  const c = await api.sql();
  try {
    const rows = [];
    for (let i = from; i < to; i++) {
      const pool = pools[i % pools.length];
      const dir = path.join(pool.path, `bench${i}`);
      fs.mkdirSync(dir, { recursive: true });
      rows.push([`bench${i}`, dir, pool.id]);
    }
    for (let k = 0; k < rows.length; k += 500) {
      const chunk = rows.slice(k, k + 500);
      const values = chunk.map((_, j) => `(gen_random_uuid(), $${j * 3 + 1}::text, lower($${j * 3 + 1}::text), $${j * 3 + 2}, $${j * 3 + 3}::uuid, true, true, false, false)`).join(',');
      await c.query(
        `INSERT INTO smb_shares (id, name, name_key, path, pool_id, enabled, browseable, read_only, guest_ok) VALUES ${values}`,
        chunk.flat(),
      );
    }
  } finally {
    await c.end();
  }
}

export async function countShares(api) {
  const c = await api.sql();
  try {
    return Number((await c.query('SELECT count(*)::int AS n FROM smb_shares')).rows[0].n);
  } finally {
    await c.end();
  }
}
