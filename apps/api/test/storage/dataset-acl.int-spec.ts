import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { AclDryRun, Dataset, ErrorResponse, Job, PathAcl, Pool } from '@moxnas/contracts';
import { JobsService } from '../../src/modules/system/jobs/jobs.service';
import { describeOnHost } from '../support/host-gate';
import { startStorageApp, tempDir, uniqueName, type StorageApp } from './storage-kit';

function getfacl(p: string): string {
  return execFileSync('getfacl', ['-p', '-n', '-E', '--omit-header', p], { encoding: 'utf8' });
}

describeOnHost('storage: the POSIX ACL editor', { binaries: ['getfacl', 'setfacl'] }, () => {
  let app: StorageApp;
  let dir: string;
  let dataset: Dataset;
  beforeAll(async () => {
    app = await startStorageApp();
    dir = await tempDir();
    const pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: dir })).body;
    expect(pool.capabilities.posixAcl.available).toBe(true);
    const res = await app.api<Dataset>('POST', '/api/storage/datasets', { poolId: pool.id, name: 'projects', mode: '0770' });
    expect(res.status).toBe(201);
    dataset = res.body;
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const url = (query: string) => `/api/storage/datasets/${dataset.id}/acl?${query}`;

  it('sets and reads back the access and default ACL of a folder inside the dataset, names resolved', async () => {
    await fs.mkdir(path.join(dataset.path, 'team/docs'), { recursive: true });
    const entries = [
      { tag: 'user', qualifier: 'nobody', perms: 'r-x' },
      { tag: 'group', qualifier: 33, perms: 'rwx', default: true },
    ];
    const put = await app.api<PathAcl>('PUT', url('path=team/docs'), { entries });
    expect(put.status).toBe(200);
    expect(put.body.access).toContainEqual({ tag: 'user', id: 65534, name: 'nobody', perms: 'r-x' });
    expect(put.body.default).toContainEqual({ tag: 'group', id: 33, name: expect.any(String), perms: 'rwx' });
    const onDisk = getfacl(path.join(dataset.path, 'team/docs'));
    expect(onDisk).toContain('user:65534:r-x');
    expect(onDisk).toContain('default:group:33:rwx');

    const got = await app.api<PathAcl>('GET', url('path=team/docs'));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(put.body);
    expect(got.body).toMatchObject({ type: 'directory', relativePath: 'team/docs', owner: { uid: 0, name: 'root' }, group: { gid: 0, name: 'root' } });
    expect(got.body.access.map((e) => e.tag)).toEqual(expect.arrayContaining(['user', 'group', 'mask', 'other']));

    // Empty entries take every extended entry away again.
    const cleared = await app.api<PathAcl>('PUT', url('path=team/docs'), { entries: [] });
    expect(cleared.body.access.filter((e) => e.id !== null)).toEqual([]);
    expect(cleared.body.default).toEqual([]);
  });

  it('answers what a dry run would change and writes nothing', async () => {
    await fs.mkdir(path.join(dataset.path, 'dry/a/b'), { recursive: true });
    await fs.writeFile(path.join(dataset.path, 'dry/a/file.txt'), 'x');
    const before = getfacl(path.join(dataset.path, 'dry'));
    const res = await app.api<AclDryRun>('PUT', url('path=dry&recursive=true&dryRun=true'), { entries: [{ tag: 'user', qualifier: 65534, perms: 'rw-' }] });
    expect(res.status).toBe(200);
    expect(res.body.dryRun).toBe(true);
    expect(res.body.changes).toContainEqual({ entry: 'user:65534', before: null, after: 'rw-' });
    expect(res.body.changes).toContainEqual({ entry: 'mask', before: null, after: expect.stringMatching(/^rw/) });
    expect(res.body.below).toEqual({ entries: 3, directories: 2, files: 1, sample: expect.arrayContaining(['a', 'a/b', 'a/file.txt']) });
    expect(getfacl(path.join(dataset.path, 'dry'))).toBe(before);
    expect(getfacl(path.join(dataset.path, 'dry/a/file.txt'))).not.toContain('65534');
  });

  it('refuses bad input per field and writes nothing', async () => {
    await fs.mkdir(path.join(dataset.path, 'bad'), { recursive: true });
    await fs.writeFile(path.join(dataset.path, 'bad/plain.txt'), 'x');
    const before = getfacl(path.join(dataset.path, 'bad'));
    const res = await app.api<ErrorResponse>('PUT', url('path=bad'), {
      entries: [
        { tag: 'user', qualifier: 'no-such-user-4711', perms: 'rwx' },
        { tag: 'group', perms: 'r--' },
        { tag: 'mask', qualifier: null, perms: 'rwz' },
      ],
    });
    expect(res.status).toBe(422);
    const fields = res.body.errors?.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['entries.1.qualifier', 'entries.2.perms']));
    const unknown = await app.api<ErrorResponse>('PUT', url('path=bad'), { entries: [{ tag: 'user', qualifier: 'no-such-user-4711', perms: 'rwx' }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContainEqual({ field: 'entries.0.qualifier', message: expect.stringMatching(/no user named/) });
    const fileDefault = await app.api<ErrorResponse>('PUT', url('path=bad/plain.txt'), { entries: [{ tag: 'user', qualifier: 65534, perms: 'r--', default: true }] });
    expect(fileDefault.status).toBe(422);
    expect(fileDefault.body.errors).toContainEqual({ field: 'entries.0.default', message: expect.stringMatching(/directories only/) });
    expect(getfacl(path.join(dataset.path, 'bad'))).toBe(before);
    expect(getfacl(path.join(dataset.path, 'bad/plain.txt'))).not.toContain('65534');
  });

  it('keeps paths inside the dataset: no .., no symlink out', async () => {
    const up = await app.api<ErrorResponse>('GET', url('path=../..'));
    expect(up.status).toBe(422);
    expect(up.body.errors?.[0]?.field).toBe('query.path');
    await fs.symlink('/etc', path.join(dataset.path, 'out'));
    const link = await app.api<ErrorResponse>('GET', url('path=out'));
    expect(link.status).toBe(422);
    expect(link.body.errors?.[0]?.field).toBe('query.path');
  });

  it('applies recursively as a job with progress, and reports what was done when cancelled mid-way', async () => {
    const tree = path.join(dataset.path, 'many');
    for (let d = 0; d < 20; d++) {
      await fs.mkdir(path.join(tree, `d${d}`), { recursive: true });
      for (let f = 0; f < 20; f++) await fs.writeFile(path.join(tree, `d${d}`, `f${f}`), '');
    }
    const entries = [
      { tag: 'user', qualifier: 65534, perms: 'r-x' },
      { tag: 'user', qualifier: 65534, perms: 'r-x', default: true },
    ];
    const started = await app.api<Job>('PUT', url('path=many&recursive=true'), { entries });
    expect(started.status).toBe(200);
    const jobs = app.app.get(JobsService);
    // Cancel once the job has done some entries: a progress message of n/total with 0 < n.
    for (;;) {
      const now = await jobs.get(started.body.id);
      if (now.state !== 'running' || /^[1-9]\d*\//.test(now.message ?? '')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await jobs.cancel(started.body.id);
    const job = await app.job(started.body.id);
    expect(job.state).toBe('cancelled');
    const line = job.log.map((l) => l.message).find((m) => m.startsWith('Cancelled:'));
    const match = /Cancelled: (\d+) of (\d+) entries done/.exec(line ?? '');
    expect(match).not.toBeNull();
    const [done, total] = [Number(match?.[1]), Number(match?.[2])];
    expect(total).toBe(421);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(total);
    // Exactly the reported number of entries carry the ACL; default entries only on directories.
    const all = [tree, ...(await fs.readdir(tree, { recursive: true })).map((p) => path.join(tree, String(p)))];
    const withAcl = all.filter((p) => getfacl(p).includes('user:65534:r-x'));
    expect(withAcl.length).toBe(done);
    for (const p of all.filter((q) => q.endsWith('/f0'))) expect(getfacl(p)).not.toContain('default:');

    const full = await app.api<Job>('PUT', url('path=many&recursive=true'), { entries });
    const finished = await app.job(full.body.id);
    expect(finished).toMatchObject({ state: 'succeeded', progress: 100, result: { done: 421, total: 421 } });
    expect(getfacl(path.join(tree, 'd3'))).toContain('default:user:65534:r-x');
    expect(getfacl(path.join(tree, 'd3/f7'))).toContain('user:65534:r-x');
    expect(getfacl(path.join(tree, 'd3/f7'))).not.toContain('default:');
  });
});
