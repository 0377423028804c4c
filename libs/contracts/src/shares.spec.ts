import { FtpShareCreate, FtpShareUpdate, NfsShareCreate, ShareImportRequest, SmbShareCreate, SmbShareUpdate } from './shares';

const fields = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } }) => (r.error?.issues ?? []).map((i) => i.path.join('.'));

describe('share contracts', () => {
  it('fills the create defaults and leaves an update to the fields it names', () => {
    expect(SmbShareCreate.parse({ name: 'media', path: '/mnt/tank/media' })).toMatchObject({
      enabled: true,
      browseable: true,
      readOnly: false,
      guestOk: false,
      validUsers: [],
      recycleBin: null,
      previousVersions: false,
      timeMachine: null,
      comment: null,
    });
    expect(SmbShareUpdate.parse({ readOnly: true })).toEqual({ readOnly: true });
    expect(NfsShareCreate.parse({ path: '/mnt/tank/a', clients: [{ host: '10.0.0.0/24', access: 'rw' }] })).toMatchObject({ squash: 'root', sync: true, security: ['sys'], subtreeCheck: false });
  });

  it('reports every bad field at once', () => {
    const r = SmbShareCreate.safeParse({ name: 'a]b', path: 'relative', comment: 'x\ninclude = /etc/x', hostsAllow: ['10.0.0.1\n'], createMask: '999' });
    expect(fields(r).sort()).toEqual(['comment', 'createMask', 'hostsAllow.0', 'name', 'path']);
  });

  it('needs an explicit confirmation for anonymous FTP, on create and on update', () => {
    expect(fields(FtpShareCreate.safeParse({ name: 'pub', path: '/mnt/a', anonymous: true }))).toEqual(['confirmAnonymous']);
    expect(FtpShareCreate.safeParse({ name: 'pub', path: '/mnt/a', anonymous: true, confirmAnonymous: true }).success).toBe(true);
    expect(fields(FtpShareUpdate.safeParse({ anonymous: true }))).toEqual(['confirmAnonymous']);
    expect(FtpShareUpdate.safeParse({ anonymous: false }).success).toBe(true);
  });

  it('wants something to import when uploading', () => {
    expect(fields(ShareImportRequest.safeParse({ source: 'upload' }))).toEqual(['smbConf']);
    expect(ShareImportRequest.safeParse({ source: 'host' }).success).toBe(true);
  });
});
