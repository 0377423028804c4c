import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NodeStorageFs } from './node-storage-fs';
import { isProbeScratchName, probeWritable } from './pool-probe';
import type { StorageFs } from './storage-fs';

describe('the capability probe’s scratch files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-probe-spec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are named so that isProbeScratchName recognises each one, and are gone afterwards', async () => {
    const real = new NodeStorageFs();
    const names: string[] = [];
    // Every name that appears in the directory while the probe runs, temp files included.
    const watcher = fs.watch(dir, (_event, name) => name && names.push(String(name)));
    const recording = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'writeFileAtomic') return typeof value === 'function' ? value.bind(target) : value;
        return async (file: string, ...rest: unknown[]) => {
          names.push(path.basename(file));
          return (value as (...a: unknown[]) => Promise<void>).call(target, file, ...rest);
        };
      },
    }) as StorageFs;
    expect(await probeWritable(recording, dir)).toEqual({ ok: true, reason: null });
    await new Promise((resolve) => setTimeout(resolve, 50));
    watcher.close();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect({ name, scratch: isProbeScratchName(name) }).toEqual({ name, scratch: true });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('recognises nothing else: look-alikes an injection could create still count', () => {
    for (const name of ['.moxnas-probe-', '.moxnas-probe-0123456789ab.sh', 'x.moxnas-probe-0123456789ab', '.moxnas-probe-0123456789AB', '..moxnas-probe-0123456789ab.moxnas-tmp-', '.moxnas-probe-0123456789ab/']) {
      expect({ name, scratch: isProbeScratchName(name) }).toEqual({ name, scratch: false });
    }
    expect(isProbeScratchName('.moxnas-probe-0123456789ab')).toBe(true);
    expect(isProbeScratchName('..moxnas-probe-0123456789ab.moxnas-tmp-4242-abcdef012345')).toBe(true);
  });
});
