import { FakeCommandRunner } from '../testing/command-runner.fake';
import { FakeHostFs } from '../testing/host-fs.fake';
import { hostKeyProblem, knownHostsText, parseKeyscan, ReplicationKeyStore, rsyncArgs, scanHostKeys, sshFingerprint, type RsyncJob } from './ssh-transport';

// A real ed25519 public key blob and what `ssh-keygen -lf` says about it.
const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

describe('ssh host keys', () => {
  it('fingerprints a key blob the way ssh-keygen -l does', () => {
    expect(sshFingerprint(BLOB)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(sshFingerprint(BLOB)).toBe(sshFingerprint(BLOB));
  });

  it('reads ssh-keyscan output and writes known_hosts lines with the port', () => {
    const keys = parseKeyscan(`# 127.0.0.1:22220 SSH-2.0-OpenSSH_9.2p1\n[127.0.0.1]:22220 ssh-ed25519 ${BLOB}\n[127.0.0.1]:22220 weird-type AAAA\n\n`);
    expect(keys).toEqual([{ type: 'ssh-ed25519', key: BLOB }]);
    expect(knownHostsText('127.0.0.1', 22220, keys)).toBe(`[127.0.0.1]:22220 ssh-ed25519 ${BLOB}\n`);
    expect(knownHostsText('nas2.lan', 22, keys)).toBe(`nas2.lan ssh-ed25519 ${BLOB}\n`);
  });

  it('asks ssh-keyscan with an argument list that ends options before the host', async () => {
    const runner = new FakeCommandRunner().on('ssh-keyscan', () => ({ stdout: `nas2.lan ssh-ed25519 ${BLOB}\n` }));
    expect(await scanHostKeys(runner, 'nas2.lan', 22)).toEqual([{ type: 'ssh-ed25519', key: BLOB }]);
    expect(runner.callsTo('ssh-keyscan')[0].args).toEqual(['-T', '10', '-p', '22', '-t', 'ed25519,ecdsa,rsa', '--', 'nas2.lan']);
  });

  it('names a changed host key in words an admin can act on', () => {
    const stderr = '@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n...\nHost key verification failed.\n';
    expect(hostKeyProblem(stderr, '10.0.0.5', 2222)).toMatch(/^The host key of \[10\.0\.0\.5\]:2222 has changed since it was pinned: the run was refused\./);
    expect(hostKeyProblem('Host key verification failed.\n', 'nas2', 22)).toMatch(/does not match the pinned key/);
    expect(hostKeyProblem('Permission denied (publickey).\n', 'nas2', 22)).toBeUndefined();
  });
});

describe('rsync arguments', () => {
  const job: RsyncJob = {
    host: 'nas2.lan',
    port: 2222,
    user: 'backup',
    identityFile: '/etc/moxnas/replication/id_ed25519',
    knownHostsFile: '/etc/moxnas/replication/known_hosts.d/t1',
    source: '/srv/pool/media/.snapshots/@GMT-2024.06.01-08.00.00',
    remotePath: '/backup/media',
    bandwidthLimitKiBps: 512,
    deleteOnTarget: true,
    excludes: ['*.tmp', '/cache/'],
  };

  it('is the documented command: archive, pinned host key, our key only, one --exclude per pattern', () => {
    expect(rsyncArgs(job)).toEqual([
      '--archive', '--hard-links', '--numeric-ids', '--protect-args', '--no-inc-recursive', '--info=progress2', '--stats',
      '--bwlimit=512', '--delete', '--exclude=*.tmp', '--exclude=/cache/',
      '--rsh',
      'ssh -F /dev/null -i /etc/moxnas/replication/id_ed25519 -p 2222 -o IdentitiesOnly=yes -o BatchMode=yes -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/moxnas/replication/known_hosts.d/t1 -o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no -o ConnectTimeout=15 -o ServerAliveInterval=15 -o ServerAliveCountMax=4',
      '--mkpath', '--',
      '/srv/pool/media/.snapshots/@GMT-2024.06.01-08.00.00/',
      'backup@nas2.lan:/backup/media/',
    ]);
  });

  it('leaves out what the task does not ask for and brackets IPv6 targets', () => {
    const args = rsyncArgs({ ...job, host: 'fd00::5', bandwidthLimitKiBps: null, deleteOnTarget: false, excludes: [] });
    expect(args.some((a) => a.startsWith('--bwlimit') || a === '--delete' || a.startsWith('--exclude'))).toBe(false);
    expect(args[args.length - 1]).toBe('backup@[fd00::5]:/backup/media/');
  });

  it('refuses paths rsync would split inside -e', () => {
    expect(() => rsyncArgs({ ...job, identityFile: '/data dir/id_ed25519' })).toThrow(/whitespace or quotes/);
  });
});

describe('the replication key pair', () => {
  it('is made once with ssh-keygen in a scratch dir, renamed into place, private part 0600', async () => {
    const fs = new FakeHostFs();
    const runner = new FakeCommandRunner().on('ssh-keygen', async (args) => {
      const file = args[args.indexOf('-f') + 1];
      await fs.writeFileAtomic(file, 'PRIVATE', { mode: 0o644 });
      await fs.writeFileAtomic(`${file}.pub`, `ssh-ed25519 ${BLOB} moxnas-replication\n`);
      return {};
    });
    const store = new ReplicationKeyStore(fs, runner, '/data/replication');
    const key = await store.ensure();
    expect(key).toEqual({ publicKey: `ssh-ed25519 ${BLOB} moxnas-replication`, type: 'ssh-ed25519', fingerprint: sshFingerprint(BLOB) });
    expect((await fs.stat('/data/replication/id_ed25519'))?.mode).toBe(0o600);
    expect((await fs.stat('/data/replication'))?.mode).toBe(0o700);
    expect((await fs.readdir('/data/replication')).map((e) => e.name).sort()).toEqual(['id_ed25519', 'id_ed25519.pub']);
    // The passphrase argument is empty; nothing secret is ever an argument.
    expect(runner.callsTo('ssh-keygen')[0].args).toEqual(['-q', '-t', 'ed25519', '-N', '', '-C', 'moxnas-replication', '-f', expect.stringMatching(/^\/data\/replication\/\.keygen-[0-9a-f]+\/id_ed25519$/)]);
    await store.ensure();
    expect(runner.callsTo('ssh-keygen')).toHaveLength(1);
  });

  it('writes one known_hosts file per task, 0600', async () => {
    const fs = new FakeHostFs();
    const store = new ReplicationKeyStore(fs, new FakeCommandRunner(), '/data/replication');
    const file = await store.writeKnownHosts('t1', '127.0.0.1', 22220, [{ type: 'ssh-ed25519', key: BLOB }]);
    expect(file).toBe('/data/replication/known_hosts.d/t1');
    expect(await fs.readFile(file)).toBe(`[127.0.0.1]:22220 ssh-ed25519 ${BLOB}\n`);
    expect((await fs.stat(file))?.mode).toBe(0o600);
  });
});
