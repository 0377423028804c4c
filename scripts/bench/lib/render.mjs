/* global performance, Buffer */
// Render time and the testparm floor, measured on the built renderer (dist/api/libs/render), with
// the same input shape SmbManagedConfig passes: dev-mode Samba dirs, port 4450, N plain shares.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { root } from '../ensure-api-build.mjs';
import { median } from './proc.mjs';

const require = createRequire(import.meta.url);

export function smbInput(n, base) {
  const dirs = Object.fromEntries(['privateDir', 'lockDir', 'stateDir', 'cacheDir', 'pidDir', 'ncalrpcDir', 'logDir'].map((k) => [k, path.join(base, 'samba', k)]));
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const shares = [];
  for (let i = 0; i < n; i++) {
    shares.push({ name: `bench${i}`, path: path.join(base, 'pool', `bench${i}`), browseable: true, readOnly: false, guestOk: false });
  }
  return { global: { workgroup: 'WORKGROUP', serverString: 'MoxNAS bench', minProtocol: 'SMB2', interfaces: [], ports: [4450], dirs }, shares };
}

/** Median of `runs` renders of smb.conf with N shares; or the renderer's refusal. */
export function renderTiming(n, runs = 5) {
  const render = require(path.join(root, 'dist/api/libs/render/src/index.js'));
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-bench-render-'));
  try {
    const input = smbInput(n, base);
    const env = render.templateEnvironment();
    let text = '';
    const times = [];
    try {
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        text = render.renderSmbConf(input, env);
        times.push(performance.now() - t);
      }
    } catch (err) {
      return { ok: false, reason: `the renderer refused ${n} shares: ${String(err.message ?? err).split('\n')[0].slice(0, 200)}` };
    }
    const file = path.join(base, 'smb.conf');
    fs.writeFileSync(file, text);
    // The floor: Samba's own parser on the same file, as the apply engine runs it.
    const tp = [];
    let testparmOk = true;
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const t = performance.now();
      const r = spawnSync('testparm', ['-s', '--suppress-prompt', file], { encoding: 'utf8' });
      tp.push(performance.now() - t);
      if (r.status !== 0) testparmOk = false;
    }
    return { ok: true, renderMs: round(median(times)), testparmMs: round(median(tp)), testparmOk, bytes: Buffer.byteLength(text) };
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

export function haveTestparm() {
  try {
    execFileSync('testparm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const round = (v) => Math.round(v * 10) / 10;
