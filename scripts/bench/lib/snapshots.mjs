/* global performance */
// Copy-driver snapshots of 10,000 small files (first, then incremental after 1% changed) against
// `cp -al` of the same tree, the floor: a hard-link farm with no manifest and no read-only pass.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { root } from '../ensure-api-build.mjs';

const require = createRequire(import.meta.url);

export async function snapshotFigures(files = 10_000) {
  const host = require(path.join(root, 'dist/api/libs/host/src/index.js'));
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-bench-snap-'));
  try {
    const dataset = path.join(base, 'dataset');
    const perDir = 100;
    for (let d = 0; d < files / perDir; d++) {
      const dir = path.join(dataset, `d${d}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < perDir; f++) fs.writeFileSync(path.join(dir, `f${f}.txt`), `file ${d}/${f}\n`.repeat(8));
    }
    const driver = new host.CopySnapshotDriver(new host.NodeStorageFs());
    const target = { path: dataset };
    const first = host.snapshotName(new Date(Date.UTC(2025, 0, 1, 0, 0, 0)));
    const second = host.snapshotName(new Date(Date.UTC(2025, 0, 1, 1, 0, 0)));

    let t = performance.now();
    const s1 = await driver.create(target, { name: first, previous: null });
    const firstMs = performance.now() - t;

    // 1% of the files change before the second snapshot.
    for (let d = 0; d < files / perDir; d++) fs.writeFileSync(path.join(dataset, `d${d}`, 'f0.txt'), `changed ${d}\n`);
    t = performance.now();
    const s2 = await driver.create(target, { name: second, previous: first });
    const incrementalMs = performance.now() - t;

    // The floor, on the same tree without the snapshot directory.
    const plain = path.join(base, 'plain');
    fs.mkdirSync(plain);
    for (const e of fs.readdirSync(dataset)) if (e !== host.SNAPDIR) fs.renameSync(path.join(dataset, e), path.join(plain, e));
    t = performance.now();
    const cp = spawnSync('cp', ['-al', plain, path.join(base, 'cp-al')]);
    const cpMs = performance.now() - t;
    if (cp.status !== 0) throw new Error(`cp -al failed: ${cp.stderr}`);
    return {
      files,
      firstMs: Math.round(firstMs),
      incrementalMs: Math.round(incrementalMs),
      cpAlMs: Math.round(cpMs),
      firstLinked: s1?.linkedFiles ?? null,
      firstCopied: s1?.copiedFiles ?? null,
      incrementalLinked: s2?.linkedFiles ?? null,
      incrementalCopied: s2?.copiedFiles ?? null,
    };
  } finally {
    // Snapshot trees are read-only; make them writable again so they can be removed.
    spawnSync('chmod', ['-R', 'u+w', base]);
    fs.rmSync(base, { recursive: true, force: true });
  }
}
