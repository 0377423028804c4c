// `npm run bench`: measured speed, memory and scaling of the built API, side by side in one run.
// Writes bench/results/<date>.json and prints a Markdown table; bench/README.md explains each figure.
//
// Environment:
//   DATABASE_URL / REDIS_URL  use real PostgreSQL / Redis (a scratch database is created and dropped);
//                             unset = embedded PostgreSQL and the in-process cache. The run says which.
//   BENCH_DURATION=10 BENCH_CONNECTIONS=50 BENCH_WARMUP=2   the HTTP runs (seconds, connections)
//   BENCH_QUICK=1   for development: N = 10/100 only, 1,000 snapshot files, 2 s HTTP runs
//   BENCH_ONLY=http,apply,memory,snapshots,web   run some sections only
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureApiBuild, root } from './ensure-api-build.mjs';
import { bundleSize } from './bundle-size.mjs';
import { startApi } from './lib/api.mjs';
import { measure } from './lib/load.mjs';
import { median, sleep } from './lib/proc.mjs';
import { haveTestparm, renderTiming } from './lib/render.mjs';
import { countShares, createPools, createShareViaApi, insertSharesSql, smbSharesApiPresent } from './lib/seed.mjs';
import { snapshotFigures } from './lib/snapshots.mjs';

const quick = process.env.BENCH_QUICK === '1';
const duration = Number(process.env.BENCH_DURATION ?? (quick ? 2 : 10));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const warmup = Number(process.env.BENCH_WARMUP ?? (quick ? 1 : 2));
const only = new Set((process.env.BENCH_ONLY ?? 'http,apply,memory,snapshots,web').split(','));
const mode = process.env.DATABASE_URL ? 'postgres' : 'embedded';
const redisUrl = process.env.REDIS_URL || undefined;
const applyNs = quick ? [10, 100] : [10, 100, 1000, 5000];

/** Rows of the table: every figure with its target and verdict, or "not measured: <reason>". */
const rows = [];
const results = {
  date: new Date().toISOString(),
  host: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemMiB: Math.round(os.totalmem() / 2 ** 20), loadAverageAtStart: os.loadavg(), node: process.version },
  settings: { database: mode, cache: redisUrl ? 'redis' : 'in-process', duration, connections, warmup, quick, loadGenerator: 'autocannon' },
  figures: {},
  rows,
};

function row(section, figure, value, unit, target, verdict, note = '') {
  rows.push({ section, figure, value, unit, target, verdict, note });
}
function notMeasured(section, figure, reason, target = '') {
  rows.push({ section, figure, value: null, unit: '', target, verdict: `not measured: ${reason}`, note: '' });
}
const verdict = (ok) => (ok ? 'met' : 'MISSED');
const log = (m) => console.error(`[bench] ${m}`);

function startBaseline() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/bench/baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', (d) => resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => child.kill('SIGTERM') }));
    child.once('error', reject);
  });
}

async function waitForMetrics(api, pattern, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.request('GET', '/metrics');
    if (pattern.test(r.text)) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

async function httpAndMemory() {
  const f = (results.figures.http = {});
  const mem = (results.figures.memory = {});
  const start = (results.figures.coldStart = {});
  const baseline = await startBaseline();
  log(`starting the API (${mode} database, ${redisUrl ? 'Redis' : 'in-process cache'})`);
  const api = await startApi({ mode, serverUrl: process.env.DATABASE_URL, redisUrl });
  start[mode] = { firstBootMs: api.coldStartMs };
  try {
    await sleep(3000);
    mem[mode] = { idleMiB: api.rss() };
    const token = await api.login();
    const shares = await smbSharesApiPresent(api, token);

    log('(a) bare node:http');
    f.a = await measure(baseline.url, { duration, connections, warmup });
    log('(b) /api/system/health/live');
    f.b = await measure(`${api.url}/api/system/health/live`, { duration, connections, warmup });

    log('seeding 50 pools');
    const pools = await createPools(api, token, 50);
    if (shares.ok) {
      log('seeding 100 SMB shares (SQL) for (c)');
      await insertSharesSql(api, pools, 0, 100);
      f.c = await measure(`${api.url}/api/shares/smb?pageSize=100`, { duration, connections, warmup, headers: { authorization: `Bearer ${token}` } });
      const check = await api.request('GET', '/api/shares/smb?pageSize=100', { token });
      f.c.items = check.body?.items?.length ?? null;
      log('seeding to 1,000 SMB shares (SQL) for (d)');
      await insertSharesSql(api, pools, 100, 1000);
      f.d = { sharesVisible: await waitForMetrics(api, /moxnas_shares\{protocol="smb"\} 1000\b/) };
    } else {
      f.c = { notMeasured: `the SMB shares API is not served yet: ${shares.reason}` };
      f.d = { sharesVisible: false };
    }
    log('(d) GET /metrics');
    const poolsVisible = await waitForMetrics(api, /moxnas_pool_bytes\{pool="bench49"/);
    Object.assign(f.d, { poolsVisible }, await measure(`${api.url}/metrics`, { duration, connections, warmup }));
    mem[mode].afterLoadMiB = api.rss();

    if (only.has('apply')) await applyFigures(api, token, pools, shares);

    log('restart on the same database');
    const dir = api.dir;
    await api.stop({ drop: false, keepDir: true });
    const again = await startApi({ mode, dir, database: api.database ?? undefined, redisUrl });
    start[mode].restartMs = again.coldStartMs;
    await again.stop();
  } catch (err) {
    await api.stop().catch(() => undefined);
    throw err;
  } finally {
    baseline.stop();
  }

  // The other database mode: cold start, idle RSS and RSS after the same (b) load.
  const other = mode === 'postgres' ? 'embedded' : 'postgres';
  if (other === 'postgres' && !process.env.DATABASE_URL) {
    mem[other] = { notMeasured: 'DATABASE_URL is not set' };
    start[other] = { notMeasured: 'DATABASE_URL is not set' };
  } else {
    log(`the other database mode (${other})`);
    const api2 = await startApi({ mode: other, serverUrl: process.env.DATABASE_URL, redisUrl });
    try {
      start[other] = { firstBootMs: api2.coldStartMs };
      await sleep(3000);
      mem[other] = { idleMiB: api2.rss() };
      f[`b_${other}`] = await measure(`${api2.url}/api/system/health/live`, { duration, connections, warmup });
      mem[other].afterLoadMiB = api2.rss();
    } finally {
      await api2.stop();
    }
  }
}

async function applyFigures(api, token, pools, shares) {
  const a = (results.figures.apply = { daemon: 'smbd is not started by the bench: reload = 0 and the daemon outcome is reported as not-running' });
  const tp = haveTestparm();
  const c = await api.sql();
  await c.query('DELETE FROM smb_shares').catch(() => undefined);
  await c.end();
  for (const n of applyNs) {
    log(`apply figures at N = ${n}`);
    const r = (a[n] = {});
    const render = renderTiming(n);
    if (!render.ok) r.render = { notMeasured: render.reason };
    else r.render = { ms: render.renderMs, bytes: render.bytes, testparmMs: tp ? render.testparmMs : null, testparmOk: tp ? render.testparmOk : null };
    if (!tp) r.render.testparmNote = 'testparm is not installed';
    if (!shares.ok) {
      r.api = { notMeasured: `the SMB shares API is not served yet: ${shares.reason}` };
      continue;
    }
    try {
      await insertSharesSql(api, pools, await countShares(api), n);
      // Bring smb.conf up to the seeded state first, so the timed creates change one section each.
      const warm = await api.request('POST', '/api/services/smb/drift/overwrite', { token });
      if (warm.status !== 200) throw new Error(`re-applying the seeded state: ${warm.status} ${warm.text.slice(0, 300)}`);
      const times = [];
      let outcome = null;
      for (let i = 0; i < 3; i++) {
        const created = await createShareViaApi(api, token, pools[i % pools.length], `applyn${n}x${i}`);
        times.push(created.ms);
        outcome = created.apply?.daemon ?? null;
      }
      r.api = { ms: Math.round(median(times) * 10) / 10, runs: times.map((t) => Math.round(t)), daemon: outcome };
    } catch (err) {
      r.api = { notMeasured: String(err.message ?? err).split('\n')[0].slice(0, 300) };
    }
  }
}

async function main() {
  ensureApiBuild();
  log(`database: ${mode}; cache: ${redisUrl ? 'Redis' : 'in-process'}; ${duration} s × ${connections} connections after ${warmup} s warm-up`);
  if (only.has('http') || only.has('memory') || only.has('apply')) {
    try {
      await httpAndMemory();
    } catch (err) {
      results.figures.httpError = String(err.stack ?? err);
      log(`HTTP/memory/apply section failed: ${err.stack ?? err}`);
    }
  }
  if (only.has('snapshots')) {
    log('snapshots');
    try {
      results.figures.snapshots = await snapshotFigures(quick ? 1000 : 10_000);
    } catch (err) {
      results.figures.snapshots = { notMeasured: String(err.message ?? err) };
    }
  }
  if (only.has('web')) results.figures.web = bundleSize();
  tabulate();
  const dir = path.join(root, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  // A second run on the same day gets its own file (-2, -3…): earlier results are the "before".
  const stem = `${results.date.slice(0, 10)}${quick ? '-quick' : ''}`;
  let file = path.join(dir, `${stem}.json`);
  for (let i = 2; fs.existsSync(file); i++) file = path.join(dir, `${stem}-${i}.json`);
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(markdown());
  console.log(`\nResults: ${path.relative(root, file)}`);
}

// ---------------------------------------------------------------------------------------------
// Table
// ---------------------------------------------------------------------------------------------

function tabulate() {
  const { http, memory, coldStart, apply, snapshots, web } = results.figures;
  const db = `${mode}${redisUrl ? ' + Redis' : ''}`;
  if (http) {
    const a = http.a;
    const line = (key, label) => {
      const v = http[key];
      if (!v || v.notMeasured) return notMeasured('HTTP', `${label} req/s · p50 · p99`, v?.notMeasured ?? 'not run');
      row('HTTP', `${label} req/s`, v.rps, 'req/s', '', 'info', v.non2xx || v.errors ? `${v.non2xx} non-2xx, ${v.errors} errors` : '');
      row('HTTP', `${label} p50 · p99`, `${v.p50} · ${v.p99}`, 'ms', '', 'info');
    };
    line('a', '(a) bare node:http');
    line('b', `(b) /api/system/health/live [${db}]`);
    line('c', `(c) GET /api/shares/smb, 100 shares [${db}]`);
    const dNote = http.d && !http.d.notMeasured ? `${http.d.sharesVisible ? '1,000 shares' : 'WITHOUT the 1,000 shares (shares API missing)'}, ${http.d.poolsVisible ? '50 pools' : '50 pools not yet in the gauges'}` : '';
    line('d', `(d) GET /metrics [${db}]`);
    if (dNote) rows[rows.length - 1].note = dNote;
    if (a && http.b?.rps) row('HTTP', 'ratio b/a', round2(http.b.rps / a.rps), '', '≥ 0.5', verdict(http.b.rps / a.rps >= 0.5));
    if (a && http.c?.rps) row('HTTP', 'ratio c/a', round2(http.c.rps / a.rps), '', '≥ 0.25', verdict(http.c.rps / a.rps >= 0.25));
    else notMeasured('HTTP', 'ratio c/a', http.c?.notMeasured ?? 'no figure (c)', '≥ 0.25');
    if (http.c?.p99 !== undefined) row('HTTP', 'p99 of (c)', http.c.p99, 'ms', '≤ 20 ms', verdict(http.c.p99 <= 20));
    else notMeasured('HTTP', 'p99 of (c)', http.c?.notMeasured ?? 'no figure (c)', '≤ 20 ms');
    if (a && http.d?.rps) row('HTTP', 'ratio d/a', round2(http.d.rps / a.rps), '', '', 'info', http.d.sharesVisible ? '' : 'without shares');
    if (http.d?.p50 !== undefined) row('HTTP', 'p50 of (d)', http.d.p50, 'ms', '≤ 30 ms', http.d.sharesVisible ? verdict(http.d.p50 <= 30) : 'partial: no shares seeded');
    if (http.b_postgres || http.b_embedded) {
      const k = http.b_postgres ? 'postgres' : 'embedded';
      const v = http[`b_${k}`];
      row('HTTP', `(b) live [${k}] req/s · p50 · p99`, `${v.rps} · ${v.p50} · ${v.p99}`, 'req/s · ms', '', 'info', a ? `b/a = ${round2(v.rps / a.rps)}` : '');
    }
  } else if (results.figures.httpError) {
    notMeasured('HTTP', 'all HTTP figures', results.figures.httpError.split('\n')[0]);
  }
  if (apply) {
    const ns = applyNs.filter((n) => apply[n]);
    for (const n of ns) {
      const r = apply[n];
      if (r.render?.notMeasured) notMeasured('Apply', `N=${n} render`, r.render.notMeasured);
      else {
        row('Apply', `N=${n} render smb.conf`, r.render.ms, 'ms', '', 'info', `${Math.round(r.render.bytes / 1024)} KiB`);
        if (r.render.testparmMs !== null) row('Apply', `N=${n} testparm -s (floor)`, r.render.testparmMs, 'ms', '', r.render.testparmOk ? 'info' : 'testparm FAILED');
      }
      if (r.api?.notMeasured) notMeasured('Apply', `N=${n} API create → applied`, r.api.notMeasured);
      else if (r.api) {
        row('Apply', `N=${n} API create → applied`, r.api.ms, 'ms', '', 'info', `median of ${r.api.runs.join(', ')}; daemon ${r.api.daemon}`);
        if (r.render?.testparmMs != null) {
          const overhead = Math.round((r.api.ms - r.render.testparmMs) * 10) / 10;
          r.overheadMs = overhead;
          row('Apply', `N=${n} overhead (apply − testparm − reload)`, overhead, 'ms', n === 1000 ? '≤ 20 ms' : '', n === 1000 ? verdict(overhead <= 20) : 'info');
        }
      }
    }
    for (let i = 0; i + 1 < ns.length; i++) {
      const [n, m] = [ns[i], ns[i + 1]];
      const grow = (k) => (apply[n][k]?.ms && apply[m][k]?.ms ? round2(apply[m][k].ms / apply[n][k].ms) : null);
      const api = grow('api');
      const render = grow('render');
      if (api !== null || render !== null) {
        row('Apply', `growth N=${n}→${m}`, `render ×${render ?? '–'} · apply ×${api ?? '–'}`, '', `≤ ×${m / n} (linear)`, api !== null ? verdict(api <= (m / n) * 1.2) : render !== null ? verdict(render <= (m / n) * 1.2) : 'info');
      }
    }
  }
  if (memory) {
    for (const k of ['postgres', 'embedded']) {
      const m = memory[k];
      if (!m) continue;
      if (m.notMeasured) {
        notMeasured('Memory', `RSS idle [${k}]`, m.notMeasured, k === 'postgres' ? '≤ 150 MB' : '');
        continue;
      }
      row('Memory', `RSS idle after start [${k}]`, m.idleMiB, 'MiB', k === 'postgres' ? '≤ 150 MB' : 'info (PGlite runs in-process)', k === 'postgres' ? verdict(m.idleMiB * 1.048576 <= 150) : 'info');
      if (m.afterLoadMiB !== undefined) row('Memory', `RSS after the HTTP run [${k}]`, m.afterLoadMiB, 'MiB', '', 'info');
    }
  }
  if (coldStart) {
    for (const k of ['postgres', 'embedded']) {
      const c = coldStart[k];
      if (!c) continue;
      if (c.notMeasured) {
        notMeasured('Start', `cold start to ready [${k}]`, c.notMeasured, k === 'postgres' ? '≤ 3 s' : '');
        continue;
      }
      row('Start', `first boot to ready 200 (fresh DB, migrations) [${k}]`, c.firstBootMs, 'ms', k === 'postgres' ? '≤ 3 s' : 'report', k === 'postgres' ? verdict(c.firstBootMs <= 3000) : 'info');
      if (c.restartMs !== undefined) row('Start', `restart to ready 200 (migrated DB) [${k}]`, c.restartMs, 'ms', k === 'postgres' ? '≤ 3 s' : 'report', k === 'postgres' ? verdict(c.restartMs <= 3000) : 'info');
    }
  }
  if (snapshots) {
    if (snapshots.notMeasured) notMeasured('Snapshots', 'copy driver', snapshots.notMeasured);
    else {
      row('Snapshots', `copy driver, first, ${snapshots.files} files`, snapshots.firstMs, 'ms', '', 'info', `${round2(snapshots.firstMs / snapshots.cpAlMs)}× cp -al`);
      row('Snapshots', `copy driver, incremental (1% changed)`, snapshots.incrementalMs, 'ms', '', 'info', `${round2(snapshots.incrementalMs / snapshots.cpAlMs)}× cp -al; ${snapshots.incrementalCopied} copied, ${snapshots.incrementalLinked} linked`);
      row('Snapshots', 'cp -al of the same tree (floor)', snapshots.cpAlMs, 'ms', '', 'info');
    }
  }
  if (web) {
    if (!web.ok) notMeasured('Web', 'initial route gzip', web.reason, '≤ 300 KB');
    else row('Web', 'initial route JS + CSS, gzip', round2(web.initialGzip / 1000), 'kB', '≤ 300 KB', verdict(web.initialGzip <= 300_000), `JS ${round2(web.initialJsGzip / 1000)} kB, CSS ${round2(web.initialCssGzip / 1000)} kB, ${web.files.length} files; built ${web.builtAt}`);
  }
}

const round2 = (v) => (Math.abs(v) >= 0.1 ? Math.round(v * 100) / 100 : Number(v.toPrecision(2)));

function markdown() {
  const out = [];
  out.push(`MoxNAS bench ${results.date} · ${results.host.cpus} CPU · database ${mode} · cache ${redisUrl ? 'Redis' : 'in-process'} · ${duration} s × ${connections} connections · load avg at start ${results.host.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  out.push('');
  out.push('| section | figure | value | unit | target | verdict | note |');
  out.push('| --- | --- | ---: | --- | --- | --- | --- |');
  for (const r of rows) out.push(`| ${r.section} | ${r.figure} | ${r.value ?? '–'} | ${r.unit} | ${r.target} | ${r.verdict} | ${r.note} |`);
  return out.join('\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
