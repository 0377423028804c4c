import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Dataset, ErrorResponse, Job, Pool, UsageReport } from '@moxnas/contracts';
import { PoolDependents } from '../../src/modules/storage/pools/pool-dependents';
import type { AppEvent } from '../../src/modules/system/events/events.service';
import { recordEvents } from '../support/events-kit';
import { startStorageApp, tempDir, uniqueName, type StorageApp } from './storage-kit';

const MiB = 1024 * 1024;

function getfacl(p: string): string {
  return execFileSync('getfacl', ['-p', '-n', '--omit-header', p], { encoding: 'utf8' });
}

describe('storage datasets', () => {
  let app: StorageApp;
  let dir: string;
  let pool: Pool;
  let events: AppEvent[];
  let settled: () => Promise<void>;
  beforeAll(async () => {
    app = await startStorageApp();
    dir = await tempDir();
    pool = (await app.api<Pool>('POST', '/api/storage/pools', { name: uniqueName(), path: dir })).body;
    ({ events, settled } = recordEvents(app.app));
  });
  afterAll(async () => {
    await app?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const create = (body: Record<string, unknown>) => app.api<Dataset & ErrorResponse>('POST', '/api/storage/datasets', { poolId: pool.id, ...body });

  it('creates a dataset with owner and group by name, mode and POSIX ACL entries, as the host resolves them', async () => {
    const res = await create({
      name: 'media',
      owner: 'daemon',
      group: 'www-data',
      mode: '2770',
      acl: [
        { tag: 'user', qualifier: 'nobody', perms: 'r-x' },
        { tag: 'group', qualifier: 'www-data', perms: 'rwx', default: true },
      ],
      comment: 'family media',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'media',
      relativePath: 'media',
      path: path.join(dir, 'media'),
      backend: 'directory',
      snapshotDriver: 'copy',
      owner: { uid: 1, name: 'daemon' },
      group: { gid: 33, name: 'www-data' },
      mode: '02770',
      quotaBytes: null,
      quotaKind: null,
      previousVersions: { mountpoint: path.join(dir, 'media'), snapdir: '.snapshots', format: '@GMT-%Y.%m.%d-%H.%M.%S' },
    });
    expect(res.body.acl).toEqual([
      { tag: 'user', id: 65534, name: 'nobody', perms: 'r-x', default: false },
      { tag: 'group', id: 33, name: 'www-data', perms: 'rwx', default: true },
    ]);
    const st = await fs.stat(path.join(dir, 'media'));
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([1, 33, 0o2770]);
    const acl = getfacl(path.join(dir, 'media'));
    expect(acl).toContain('user:65534:r-x');
    expect(acl).toContain('default:group:33:rwx');
  });

  it('nests datasets, changes owner, mode and ACL, and adopts an existing directory with its data', async () => {
    const parent = (await app.api<Dataset[]>('GET', `/api/storage/datasets?poolId=${pool.id}`)).body.find((d) => d.name === 'media') as Dataset;
    const child = await create({ parentId: parent.id, name: 'Photos_2024' });
    expect(child.status).toBe(201);
    expect(child.body).toMatchObject({ relativePath: 'media/Photos_2024', path: path.join(dir, 'media/Photos_2024'), owner: { uid: 0 }, mode: '0755' });
    const patched = await app.api<Dataset>('PATCH', `/api/storage/datasets/${child.body.id}`, { owner: 65534, group: 'nogroup', mode: '0750', acl: [] });
    expect(patched.status).toBe(200);
    const st = await fs.stat(path.join(dir, 'media/Photos_2024'));
    expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([65534, 65534, 0o750]);

    await fs.mkdir(path.join(dir, 'legacy'));
    await fs.writeFile(path.join(dir, 'legacy/old.txt'), 'kept');
    await fs.chown(path.join(dir, 'legacy'), 65534, 65534);
    const adopted = await create({ name: 'legacy' });
    expect(adopted.status).toBe(201);
    expect(adopted.body).toMatchObject({ owner: { uid: 65534 }, group: { gid: 65534 } });
    expect(await fs.readFile(path.join(dir, 'legacy/old.txt'), 'utf8')).toBe('kept');
  });

  it.each([
    ['a slash', { name: 'a/b' }, 'name', /\//],
    ['a NUL', { name: 'a\u0000b' }, 'name', /NUL/],
    ['..', { name: '..' }, 'name', /\.\./],
    ['a name containing ..', { name: 'a..b' }, 'name', /\.\./],
    ['a control character', { name: 'a\nb' }, 'name', /control/],
    ['an over-long name', { name: 'é'.repeat(128) }, 'name', /255 bytes/],
    ['a reserved name', { name: '.snapshots' }, 'name', /reserved/],
    ['an unknown owner', { name: 'x1', owner: 'no-such-user-4711' }, 'owner', /no user named/],
    ['an unknown ACL group', { name: 'x2', acl: [{ tag: 'group', qualifier: 'no-such-group-4711', perms: 'r--' }] }, 'acl.0.qualifier', /no group named/],
    ['a malformed mode', { name: 'x3', mode: '999' }, 'mode', /octal/],
    ['an ACL entry without its user', { name: 'x4', acl: [{ tag: 'user', perms: 'rwx' }] }, 'acl.0.qualifier', /needs the user/],
    ['a tiny quota', { name: 'x5', quotaBytes: 10 }, 'quotaBytes', /1 MiB/],
    // Issue 14 defect 11 and issue 17: names that shell tools misread, and spaces like other names.
    ['a space', { name: 'Photos 2024' }, 'name', /spaces/],
    ['a leading dash (an option to every tool)', { name: '-o' }, 'name', /must not start with - or #/],
    ['a leading #', { name: '#notes' }, 'name', /must not start with - or #/],
    ['exports option syntax', { name: '*(rw,no_root_squash)' }, 'name', /glob and option characters/],
    ['a glob', { name: 'data?' }, 'name', /glob and option characters/],
    ['a full-width dash first', { name: '\uff0do' }, 'name', /must not start with - or #/],
  ])('refuses %s with a 422 on the field and creates nothing', async (_what, body, field, message) => {
    const before = await fs.readdir(dir);
    const res = await create(body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) })]));
    expect(await fs.readdir(dir)).toEqual(before);
  });

  it('refuses a second dataset of the same name (409) and a file in the way (422)', async () => {
    expect((await create({ name: 'media' })).status).toBe(409);
    await fs.writeFile(path.join(dir, 'plainfile'), 'x');
    const res = await create({ name: 'plainfile' });
    expect(res.status).toBe(422);
    expect(res.body.errors?.[0]).toMatchObject({ field: 'name', message: expect.stringMatching(/not a directory/) });
  });

  it('keeps a soft quota: measured in the background, refused below usage, announced when exceeded', async () => {
    const ds = (await create({ name: 'quota', quotaBytes: 8 * MiB })).body;
    expect(ds).toMatchObject({ quotaBytes: 8 * MiB, quotaKind: 'soft', quotaExceeded: false, usedBytes: null });
    await fs.writeFile(path.join(dir, 'quota/a.bin'), Buffer.alloc(3 * MiB, 1));
    const measure = await app.api<Job>('POST', `/api/storage/datasets/${ds.id}/usage`);
    expect(measure.status).toBe(202);
    expect((await app.job(measure.body.id)).state).toBe('succeeded');
    const measured = (await app.api<Dataset>('GET', `/api/storage/datasets/${ds.id}`)).body;
    expect(measured.usedBytes).toBeGreaterThanOrEqual(3 * MiB);
    expect(measured).toMatchObject({ usedComplete: true, usedBytesAt: expect.any(String) });

    const below = await app.api<ErrorResponse>('PATCH', `/api/storage/datasets/${ds.id}`, { quotaBytes: 2 * MiB });
    expect(below.status).toBe(422);
    expect(below.body.errors).toEqual([expect.objectContaining({ field: 'quotaBytes', message: expect.stringMatching(/already uses/) })]);
    expect((await app.api<Dataset>('GET', `/api/storage/datasets/${ds.id}`)).body.quotaBytes).toBe(8 * MiB);

    events.length = 0;
    await fs.writeFile(path.join(dir, 'quota/b.bin'), Buffer.alloc(6 * MiB, 2));
    await app.job((await app.api<Job>('POST', `/api/storage/datasets/${ds.id}/usage`)).body.id);
    expect((await app.api<Dataset>('GET', `/api/storage/datasets/${ds.id}`)).body.quotaExceeded).toBe(true);
    await settled();
    expect(events.filter((e) => e.type === 'dataset.quota-exceeded').map((e) => e.data)).toEqual([expect.objectContaining({ datasetId: ds.id, quotaBytes: 8 * MiB, quotaKind: 'soft' })]);
    const report = await app.api<UsageReport>('GET', '/api/storage/usage');
    expect(report.body.datasets.find((d) => d.id === ds.id)).toMatchObject({ exceeded: true, level: 'critical', quotaKind: 'soft' });
    const cleared = await app.api<Dataset>('PATCH', `/api/storage/datasets/${ds.id}`, { quotaBytes: null });
    expect(cleared.body).toMatchObject({ quotaBytes: null, quotaKind: null, quotaExceeded: false });
  });

  it('deletes as a job: refused while nested datasets or shares use it, keepData leaves the files', async () => {
    const media = (await app.api<Dataset[]>('GET', '/api/storage/datasets')).body.find((d) => d.relativePath === 'media') as Dataset;
    const nested = await app.api<ErrorResponse>('DELETE', `/api/storage/datasets/${media.id}`);
    expect(nested.status).toBe(409);
    expect(nested.body.details?.['dependants']).toEqual([expect.objectContaining({ kind: 'dataset', name: 'media/Photos_2024' })]);

    const doomed = (await create({ name: 'doomed' })).body;
    await fs.writeFile(path.join(dir, 'doomed/file'), 'bye');
    const off = app.app.get(PoolDependents).register('test-shares', (t) => (t.kind === 'dataset' && t.id === doomed.id ? [{ kind: 'nfs-share', id: 'n1', name: '/export', path: t.path }] : []));
    const inUse = await app.api<ErrorResponse>('DELETE', `/api/storage/datasets/${doomed.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.details?.['dependants']).toEqual([{ kind: 'nfs-share', id: 'n1', name: '/export', path: path.join(dir, 'doomed') }]);
    off();
    const del = await app.api<Job>('DELETE', `/api/storage/datasets/${doomed.id}`);
    expect(del.status).toBe(202);
    expect(await app.job(del.body.id)).toMatchObject({ state: 'succeeded', type: 'dataset.delete' });
    expect(await fs.stat(path.join(dir, 'doomed')).catch(() => null)).toBeNull();
    expect((await app.api('GET', `/api/storage/datasets/${doomed.id}`)).status).toBe(404);

    const kept = (await create({ name: 'kept' })).body;
    await fs.writeFile(path.join(dir, 'kept/file'), 'stay');
    await app.job((await app.api<Job>('DELETE', `/api/storage/datasets/${kept.id}?keepData=true`)).body.id);
    expect(await fs.readFile(path.join(dir, 'kept/file'), 'utf8')).toBe('stay');
  });

  it('refuses to delete through a dataset directory that was replaced by a symlink', async () => {
    const ds = (await create({ name: 'swapped' })).body;
    const outside = await tempDir('outside');
    await fs.writeFile(path.join(outside, 'precious'), 'do not delete');
    await fs.rm(path.join(dir, 'swapped'), { recursive: true });
    await fs.symlink(outside, path.join(dir, 'swapped'));
    const res = await app.api<ErrorResponse>('DELETE', `/api/storage/datasets/${ds.id}`);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/link/);
    expect(await fs.readFile(path.join(outside, 'precious'), 'utf8')).toBe('do not delete');
    await fs.rm(outside, { recursive: true, force: true });
  });
});
