/**
 * scripts/pve/moxnas-ct.sh against a fake `pct` (and `modprobe`) on PATH: the exact commands for an
 * unprivileged and an NFS container, that --dry-run runs none of them, that a real run runs the same
 * ones, and that bad arguments are rejected with the usage text and exit code 2.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, run } from './support/deploy-env';
import { itOnHost } from '../../../api/test/support/host-gate';

const SCRIPT = path.join(REPO_ROOT, 'scripts/pve/moxnas-ct.sh');
const TEMPLATE = 'local:vztmpl/debian-13-standard_13.1-1_amd64.tar.zst';

describe('moxnas-ct.sh (Proxmox host helper)', () => {
  let dir: string;
  let bin: string;
  let calls: string;
  let mountA: string;
  let mountB: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-ct-'));
    bin = path.join(dir, 'bin');
    calls = path.join(dir, 'calls.log');
    mountA = path.join(dir, 'tank/media');
    mountB = path.join(dir, 'tank/backup');
    await fs.mkdir(bin);
    await fs.mkdir(mountA, { recursive: true });
    await fs.mkdir(mountB, { recursive: true });
    // Records every call; `pct status` says the container does not exist yet; the subcommand named
    // in FAKE_FAIL fails like a real error would.
    const fake =
      `#!/bin/sh\nprintf '%s\\n' "$(basename "$0") $*" >> "${calls}"\n` +
      `if [ "$1" = status ]; then exit 2; fi\n` +
      `if [ -n "$FAKE_FAIL" ] && [ "$1" = "$FAKE_FAIL" ]; then echo "fake $1 failed" >&2; exit 5; fi\nexit 0\n`;
    for (const name of ['pct', 'modprobe']) await fs.writeFile(path.join(bin, name), fake, { mode: 0o755 });
    await fs.mkdir(path.join(dir, 'pve-lxc'));
    await fs.mkdir(path.join(dir, 'modules-load.d'));
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  function helper(args: string[], extraEnv: Record<string, string> = {}) {
    return run('bash', [SCRIPT, ...args], {
      env: {
        ...extraEnv,
        PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        TMPDIR: dir,
        MOXNAS_CT_LOG: path.join(dir, 'ct.log'),
        MOXNAS_PVE_LXC_DIR: path.join(dir, 'pve-lxc'),
        MOXNAS_MODULES_LOAD_DIR: path.join(dir, 'modules-load.d'),
      },
      timeoutMs: 60_000,
    });
  }
  const printed = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('+ '))
      .map((l) => l.slice(2));
  const recorded = async () => ((await fs.readFile(calls, 'utf8').catch(() => '')).trim() || '').split('\n').filter(Boolean);

  const tar = (id: number) =>
    `tar -czf ${dir}/moxnas-src-${id}.tar.gz -C ${REPO_ROOT} --exclude=node_modules --exclude=.git --exclude=.nx --exclude=.moxnas --exclude=./dist --exclude=./coverage --exclude=./artifacts --exclude=./.env .`;

  it('prints the exact commands for an unprivileged container with bind mounts, and runs none', async () => {
    await fs.rm(calls, { force: true });
    const r = await helper(['--id', '120', '--template', TEMPLATE, '--mount', `${mountA}:/srv/media`, '--mount', `${mountB}:/srv/backup`, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual([
      `pct create 120 ${TEMPLATE} --hostname moxnas --cores 2 --memory 2048 --swap 512 --rootfs local-lvm:16 ` +
        `--net0 name=eth0,bridge=vmbr0,ip=dhcp --unprivileged 1 --features nesting=1 --onboot 1 ` +
        `--mp0 ${mountA},mp=/srv/media --mp1 ${mountB},mp=/srv/backup`,
      'pct start 120',
      'pct exec 120 -- systemctl is-system-running --wait',
      tar(120),
      `pct push 120 ${dir}/moxnas-src-120.tar.gz /root/moxnas-src.tar.gz`,
      `pct push 120 ${REPO_ROOT}/scripts/install.sh /root/moxnas-install.sh --perms 0755`,
      'pct exec 120 -- bash /root/moxnas-install.sh --from /root/moxnas-src.tar.gz',
    ]);
    expect(r.stdout).toContain('Unprivileged container');
    expect(await recorded()).toEqual([]);
    expect(await fs.readdir(dir)).not.toContain('moxnas-src-120.tar.gz');
  });

  it('prints the exact commands for --nfs: privileged, AppArmor profile, nfsd on the host, and says why', async () => {
    const r = await helper([
      '--id', '121', '--hostname', 'nas1', '--template', TEMPLATE, '--storage', 'fast', '--cores', '4', '--memory', '4096',
      '--disk', '32', '--bridge', 'vmbr1', '--ip', '192.168.1.50/24,192.168.1.1', '--nfs', '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual([
      `pct create 121 ${TEMPLATE} --hostname nas1 --cores 4 --memory 4096 --swap 512 --rootfs fast:32 ` +
        '--net0 name=eth0,bridge=vmbr1,ip=192.168.1.50/24,gw=192.168.1.1 --unprivileged 0 --features nesting=1 --onboot 1',
      `append 'lxc.apparmor.profile: lxc-container-default-with-nfsd' to ${dir}/pve-lxc/121.conf`,
      'modprobe nfsd',
      `append nfsd to ${dir}/modules-load.d/moxnas-nfsd.conf`,
      'pct start 121',
      'pct exec 121 -- systemctl is-system-running --wait',
      tar(121),
      `pct push 121 ${dir}/moxnas-src-121.tar.gz /root/moxnas-src.tar.gz`,
      `pct push 121 ${REPO_ROOT}/scripts/install.sh /root/moxnas-install.sh --perms 0755`,
      'pct exec 121 -- bash /root/moxnas-install.sh --from /root/moxnas-src.tar.gz --nfs',
    ]);
    expect(r.stdout).toContain('PRIVILEGED');
    expect(r.stdout).toContain('does not work in a user namespace');
  });

  it('uses a given source tarball and Node.js distribution instead of packing the checkout', async () => {
    const source = path.join(dir, 'moxnas-1.0.0.tar.gz');
    const nodeDist = path.join(dir, 'node-v20.19.0-linux-x64.tar.xz');
    await fs.writeFile(source, '');
    await fs.writeFile(nodeDist, '');
    const r = await helper(['--id', '122', '--template', 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst', '--source', source, '--node-dist', nodeDist, '--dry-run']);
    expect(r.code).toBe(0);
    expect(printed(r.stdout).slice(3)).toEqual([
      `pct push 122 ${source} /root/moxnas-src.tar.gz`,
      `pct push 122 ${REPO_ROOT}/scripts/install.sh /root/moxnas-install.sh --perms 0755`,
      `pct push 122 ${nodeDist} /root/node-dist.tar.xz`,
      'pct exec 122 -- mkdir -p /opt/node',
      'pct exec 122 -- tar -xJf /root/node-dist.tar.xz -C /opt/node --strip-components=1',
      'pct exec 122 -- env MOXNAS_NODE=/opt/node/bin/node bash /root/moxnas-install.sh --from /root/moxnas-src.tar.gz',
    ]);
  });

  itOnHost('without --dry-run runs the same pct commands and writes the container config', { root: true }, async () => {
    await fs.rm(calls, { force: true });
    const args = ['--id', '123', '--template', TEMPLATE, '--ip', '10.0.0.5/24', '--nfs', '--mount', `${mountA}:/srv/media`];
    const dry = await helper([...args, '--dry-run']);
    const real = await helper(args);
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    const expected = printed(dry.stdout).filter((c) => c.startsWith('pct ') || c.startsWith('modprobe '));
    // The real run also asks whether the id is taken (a read-only `pct status`) first.
    expect(await recorded()).toEqual(['pct status 123', ...expected]);
    expect(await fs.readFile(path.join(dir, 'pve-lxc/123.conf'), 'utf8')).toBe('lxc.apparmor.profile: lxc-container-default-with-nfsd\n');
    expect(await fs.readFile(path.join(dir, 'modules-load.d/moxnas-nfsd.conf'), 'utf8')).toBe('nfsd\n');
    // The source was really packed, and it is a MoxNAS tree.
    const list = await run('tar', ['-tzf', path.join(dir, 'moxnas-src-123.tar.gz')]);
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['./package.json', './scripts/install.sh']));
    expect(list.stdout).not.toMatch(/(^|\/)node_modules\//m);
    expect(await fs.readFile(path.join(dir, 'ct.log'), 'utf8')).toContain('pct create 123');
  });

  itOnHost('stops at the first failing command with exit 1 and names it', { root: true }, async () => {
    await fs.rm(calls, { force: true });
    const r = await helper(['--id', '124', '--template', TEMPLATE], { FAKE_FAIL: 'start' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this command failed (exit code 5): pct start 124');
    expect((await recorded()).map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['pct status', 'pct create', 'pct start']);
  });

  it.each([
    [['--id', 'abc', '--template', TEMPLATE], '--id must be a number'],
    [['--id', '99', '--template', TEMPLATE], '--id must be a number from 100'],
    [['--id', '120', '--template', 'debian.tar.zst'], '--template must be a volume id'],
    [['--id', '120', '--template', TEMPLATE, '--hostname', 'bad_name'], 'is not a valid host name'],
    [['--id', '120', '--template', TEMPLATE, '--ip', '300.1.1.1/24'], '--ip must be dhcp or an IPv4 address'],
    [['--id', '120', '--template', TEMPLATE, '--ip', '10.0.0.5'], '--ip must be dhcp or an IPv4 address'],
    [['--id', '120', '--template', TEMPLATE, '--ip', '10.0.0.5/24,gw=10.0.0'], "gateway '10.0.0' is not an IPv4 address"],
    [['--id', '120', '--template', TEMPLATE, '--memory', '256'], '--memory must be at least 1024'],
    [['--id', '120', '--template', TEMPLATE, '--disk', 'big'], '--disk must be at least 8'],
    [['--id', '120', '--template', TEMPLATE, '--cores', '0'], '--cores must be a number'],
    [['--id', '120', '--template', TEMPLATE, '--mount', 'relative:/srv/x'], '--mount paths must be absolute'],
    [['--id', '120', '--template', TEMPLATE, '--mount', '/definitely/not/here:/srv/x'], 'is not a directory on this host'],
    [['--id', '120', '--template', TEMPLATE, '--mount', '/srv/x'], '--mount needs HOST_PATH:CT_PATH'],
    [['--id', '120', '--template', TEMPLATE, '--bogus'], 'unknown argument: --bogus'],
    [['--id'], '--id needs a value'],
    [['--template', TEMPLATE, '--dry-run'], '--id is required when pvesh is not available'],
  ])('rejects %j with exit 2 and the usage text', async (args, message) => {
    await fs.rm(calls, { force: true });
    const r = await helper([...args, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Usage: moxnas-ct.sh');
    expect(await recorded()).toEqual([]);
  });

  it('prints its help with exit 0', async () => {
    const r = await helper(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: moxnas-ct.sh');
    expect(r.stdout).toContain('--dry-run');
  });
});
