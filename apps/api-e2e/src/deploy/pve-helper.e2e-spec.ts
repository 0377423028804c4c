/**
 * scripts/pve/moxnas-ct.sh against fake Proxmox tools on PATH (`pct`, `pveam`, `pvesm`, `pvesh`,
 * `modprobe`, `curl`), each recording its call: the defaults (1 core, 512 MiB, 4 GiB, unprivileged,
 * Debian 13), the community-scripts `var_*` overrides, a template downloaded with pveam when none is
 * there, a missing storage refused, the release artifact verified and its own installer pushed,
 * `update`, that --dry-run runs nothing but read-only look-ups, that a real run runs the same
 * commands, and that no temp file is left behind in any case.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, run } from './support/deploy-env';
import { itOnHost } from '../../../api/test/support/host-gate';

const SCRIPT = path.join(REPO_ROOT, 'scripts/pve/moxnas-ct.sh');
const T13 = 'debian-13-standard_13.1-2_amd64.tar.zst';
const T12 = 'debian-12-standard_12.7-1_amd64.tar.zst';
const READ_ONLY = ['pvesh get /cluster/nextid', 'pvesm status -content rootdir', 'pveam list local'];

describe('moxnas-ct.sh (Proxmox host helper)', () => {
  let dir: string;
  let tmp: string;
  let bin: string;
  let calls: string;
  let mountA: string;
  let artifact: string;
  let sha: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-ct-e2e-'));
    tmp = path.join(dir, 'tmp');
    bin = path.join(dir, 'bin');
    calls = path.join(dir, 'calls.log');
    mountA = path.join(dir, 'tank/media');
    for (const d of [tmp, bin, mountA, path.join(dir, 'pve-lxc'), path.join(dir, 'modules-load.d')]) await fs.mkdir(d, { recursive: true });
    // Each tool records its call. pct: `status` answers FAKE_STATUS (exit 2 when unset: no such
    // container); the subcommand in FAKE_FAIL fails. pveam/pvesm print what a PVE host would.
    const record = `printf '%s\\n' "$(basename "$0") $*" >> "${calls}"\n`;
    const tools: Record<string, string> = {
      pct:
        `if [ "$1" = status ]; then [ -n "$FAKE_STATUS" ] || exit 2; echo "$FAKE_STATUS"; exit 0; fi\n` +
        `if [ -n "$FAKE_FAIL" ] && [ "$1" = "$FAKE_FAIL" ]; then echo "fake $1 failed" >&2; exit 5; fi\n`,
      pvesh: 'echo 130\n',
      pvesm:
        `if [ "$3" = rootdir ]; then printf 'Name Type Status Total Used Available %%\\nlocal-lvm lvmthin active 1 1 1 1%%\\nfast zfspool active 1 1 1 1%%\\n'; fi\n` +
        `if [ "$3" = vztmpl ]; then printf 'Name Type Status Total Used Available %%\\nlocal dir active 1 1 1 1%%\\n'; fi\n`,
      pveam:
        `if [ "$1" = list ]; then printf 'NAME SIZE\\n'; for t in $FAKE_TEMPLATES; do echo "$2:vztmpl/$t 120MB"; done; fi\n` +
        `if [ "$1" = available ]; then printf 'system          ${T12}\\nsystem          debian-13-standard_13.0-1_amd64.tar.zst\\nsystem          ${T13}\\nsystem          ubuntu-24.04-standard_24.04-2_amd64.tar.zst\\n'; fi\n`,
      modprobe: '',
      // curl -fsSL --proto =https --retry 3 -o FILE URL: "downloads" FAKE_DOWNLOAD.
      curl: 'cp "$FAKE_DOWNLOAD" "$7"\n',
    };
    for (const [name, body] of Object.entries(tools)) await fs.writeFile(path.join(bin, name), `#!/bin/sh\n${record}${body}exit 0\n`, { mode: 0o755 });
    // A release artifact with its own installer inside, as npm run package makes it.
    const rel = path.join(dir, 'release');
    await fs.mkdir(path.join(rel, 'moxnas-0.1.0/scripts'), { recursive: true });
    await fs.writeFile(path.join(rel, 'moxnas-0.1.0/scripts/install.sh'), '#!/bin/sh\necho the artifact installer\n');
    await fs.writeFile(path.join(rel, 'moxnas-0.1.0/ARTIFACT'), 'version=0.1.0\n');
    artifact = path.join(dir, 'moxnas-0.1.0-linux-x64.tar.gz');
    expect((await run('tar', ['-czf', artifact, '-C', rel, 'moxnas-0.1.0'])).code).toBe(0);
    sha = createHash('sha256').update(await fs.readFile(artifact)).digest('hex');
    await fs.writeFile(`${artifact}.sha256`, `${sha}  moxnas-0.1.0-linux-x64.tar.gz\n`);
  });

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await fs.rm(calls, { force: true });
  });

  function helper(args: string[], env: Record<string, string> = {}) {
    return run('bash', [SCRIPT, ...args], {
      env: {
        FAKE_TEMPLATES: `${T12} ${T13}`,
        ...env,
        PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        TMPDIR: tmp,
        MOXNAS_CT_LOG: path.join(dir, 'ct.log'),
        MOXNAS_PVE_LXC_DIR: path.join(dir, 'pve-lxc'),
        MOXNAS_MODULES_LOAD_DIR: path.join(dir, 'modules-load.d'),
        MOXNAS_CT_RELEASE_DIR: path.join(dir, 'no-release-here'),
      },
      timeoutMs: 60_000,
    });
  }
  /** The printed commands, with the per-run temp dir written as WORK. */
  const printed = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('+ '))
      .map((l) => l.slice(2).replace(new RegExp(`${tmp}/moxnas-ct\\.[A-Za-z0-9]+`, 'g'), 'WORK'));
  const recorded = async () => (await fs.readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const leftovers = async () => fs.readdir(tmp);
  const install = (id: number, extra = '') => [
    `pct push ${id} ${artifact} /root/moxnas-artifact.tar.gz`,
    `pct push ${id} WORK/install.sh /root/moxnas-install.sh --perms 0755`,
    `pct exec ${id} -- bash /root/moxnas-install.sh --artifact /root/moxnas-artifact.tar.gz --sha256 ${sha}${extra}`,
    `pct exec ${id} -- rm -f /root/moxnas-install.sh /root/moxnas-artifact.tar.gz`,
  ];
  const boot = (id: number) => [`pct start ${id}`, `pct exec ${id} -- systemctl is-system-running --wait`];

  it('defaults to 1 core, 512 MiB, 4 GiB, unprivileged Debian 13, next free id; prints and runs nothing', async () => {
    const r = await helper(['--artifact', artifact, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual([
      `pct create 130 local:vztmpl/${T13} --hostname moxnas --cores 1 --memory 512 --swap 512 --rootfs local-lvm:4 ` +
        '--net0 name=eth0,bridge=vmbr0,ip=dhcp --unprivileged 1 --features nesting=1 --onboot 1',
      ...boot(130),
      ...install(130),
    ]);
    expect(r.stdout).toContain(`SHA-256 ${sha} verified`);
    expect(r.stdout).toContain('Unprivileged container');
    expect(await recorded()).toEqual(READ_ONLY);
    expect(await leftovers()).toEqual([]);
  });

  it('honours the var_* overrides, and a flag wins over its variable', async () => {
    const r = await helper(['--artifact', artifact, '--cores', '3', '--mount', `${mountA}:/srv/media`, '--dry-run'], {
      var_ctid: '140', var_hostname: 'nas2', var_cpu: '2', var_ram: '1024', var_swap: '0', var_disk: '8', var_version: '12',
      var_unprivileged: '0', var_storage: 'fast', var_bridge: 'vmbr1', var_net: '10.0.0.5/24,10.0.0.1',
    });
    expect(r.code).toBe(0);
    expect(printed(r.stdout)[0]).toBe(
      `pct create 140 local:vztmpl/${T12} --hostname nas2 --cores 3 --memory 1024 --swap 0 --rootfs fast:8 ` +
        `--net0 name=eth0,bridge=vmbr1,ip=10.0.0.5/24,gw=10.0.0.1 --unprivileged 0 --features nesting=1 --onboot 1 --mp0 ${mountA},mp=/srv/media`,
    );
    expect(r.stdout).toContain('var_unprivileged=0: the container is PRIVILEGED');
    expect(r.stdout).toContain("Debian 12's nodejs is 18");
    expect(await recorded()).toEqual(['pvesm status -content rootdir', 'pveam list local']);
  });

  it('downloads the newest Debian template with pveam when the template storage has none', async () => {
    const r = await helper(['--id', '131', '--artifact', artifact, '--dry-run'], { FAKE_TEMPLATES: '' });
    expect(r.code).toBe(0);
    expect(printed(r.stdout).slice(0, 3)).toEqual([
      'pveam update',
      `pveam download local ${T13}`,
      `pct create 131 local:vztmpl/${T13} --hostname moxnas --cores 1 --memory 512 --swap 512 --rootfs local-lvm:4 ` +
        '--net0 name=eth0,bridge=vmbr0,ip=dhcp --unprivileged 1 --features nesting=1 --onboot 1',
    ]);
    // The dry run only looked: the index update and the download were printed, not run.
    expect(await recorded()).toEqual(['pvesm status -content rootdir', 'pveam list local', 'pvesm status -content vztmpl', 'pveam available --section system']);
  });

  it('refuses a storage that does not exist, naming the ones that do, and leaves nothing behind', async () => {
    const r = await helper(['--id', '132', '--artifact', artifact, '--storage', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--storage 'nope' is not a storage for rootdir on this host (pvesm status -content rootdir lists: local-lvm, fast)");
    expect(await recorded()).toEqual(['pvesm status -content rootdir']);
    expect(await leftovers()).toEqual([]);
  });

  it('prints the exact commands for --nfs: privileged, AppArmor profile, nfsd on the host, and says why', async () => {
    const r = await helper(['--id', '121', '--artifact', artifact, '--nfs', '--dry-run']);
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual([
      `pct create 121 local:vztmpl/${T13} --hostname moxnas --cores 1 --memory 512 --swap 512 --rootfs local-lvm:4 ` +
        '--net0 name=eth0,bridge=vmbr0,ip=dhcp --unprivileged 0 --features nesting=1 --onboot 1',
      `append 'lxc.apparmor.profile: lxc-container-default-with-nfsd' to ${dir}/pve-lxc/121.conf`,
      'modprobe nfsd',
      `append nfsd to ${dir}/modules-load.d/moxnas-nfsd.conf`,
      ...boot(121),
      ...install(121, ' --nfs'),
    ]);
    expect(r.stdout).toContain('does not work in a user namespace');
  });

  itOnHost('downloads an https:// artifact into its temp dir, checks it against --sha256, and removes it', { root: true }, async () => {
    const url = 'https://releases.example.org/moxnas-0.1.0-linux-x64.tar.gz';
    const dry = await helper(['--id', '133', '--template', `local:vztmpl/${T13}`, '--artifact', url, '--sha256', sha, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(printed(dry.stdout)[0]).toBe(`curl -fsSL --proto =https --retry 3 -o WORK/moxnas-0.1.0-linux-x64.tar.gz ${url}`);
    expect(printed(dry.stdout)).toContain('pct push 133 WORK/moxnas-0.1.0-linux-x64.tar.gz /root/moxnas-artifact.tar.gz');
    expect(await recorded()).toEqual(['pvesm status -content rootdir']);
    const wrong = await helper(['--id', '133', '--template', `local:vztmpl/${T13}`, '--artifact', url, '--sha256', '0'.repeat(64)], { FAKE_DOWNLOAD: artifact });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`SHA-256 is ${sha}, expected ${'0'.repeat(64)}; nothing was changed`);
    expect((await recorded()).filter((c) => !c.startsWith('pvesm') && !c.startsWith('curl') && c !== 'pct status 133')).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('unpacks a given Node.js distribution for a Debian 12 template', async () => {
    const nodeDist = path.join(dir, 'node-v20.19.0-linux-x64.tar.xz');
    await fs.writeFile(nodeDist, '');
    const r = await helper(['--id', '122', '--os-version', '12', '--artifact', artifact, '--node-dist', nodeDist, '--dry-run']);
    expect(r.code).toBe(0);
    expect(printed(r.stdout).slice(5)).toEqual([
      `pct push 122 ${nodeDist} /root/node-dist.tar.xz`,
      'pct exec 122 -- mkdir -p /opt/node',
      'pct exec 122 -- tar -xJf /root/node-dist.tar.xz -C /opt/node --strip-components=1',
      `pct exec 122 -- env MOXNAS_NODE=/opt/node/bin/node bash /root/moxnas-install.sh --artifact /root/moxnas-artifact.tar.gz --sha256 ${sha}`,
      'pct exec 122 -- rm -f /root/moxnas-install.sh /root/moxnas-artifact.tar.gz /root/node-dist.tar.xz',
    ]);
  });

  itOnHost('without --dry-run runs the same commands, pushes the artifact’s own installer, and leaves no temp file', { root: true }, async () => {
    const args = ['--id', '123', '--artifact', artifact, '--ip', '10.0.0.5/24', '--nfs', '--mount', `${mountA}:/srv/media`];
    const dry = await helper([...args, '--dry-run']);
    await fs.rm(calls, { force: true });
    const real = await helper(args);
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    const expected = printed(dry.stdout).filter((c) => c.startsWith('pct ') || c.startsWith('modprobe '));
    const pushed = (await recorded()).map((c) => c.replace(new RegExp(`${tmp}/moxnas-ct\\.[A-Za-z0-9]+`, 'g'), 'WORK'));
    // The real run also asks whether the id is taken first, and the container's address at the end.
    expect(pushed).toEqual(['pvesm status -content rootdir', 'pveam list local', 'pct status 123', ...expected, 'pct exec 123 -- hostname -I']);
    expect(await fs.readFile(path.join(dir, 'pve-lxc/123.conf'), 'utf8')).toBe('lxc.apparmor.profile: lxc-container-default-with-nfsd\n');
    expect(await fs.readFile(path.join(dir, 'modules-load.d/moxnas-nfsd.conf'), 'utf8')).toBe('nfsd\n');
    expect(real.stdout).toContain('First admin password: pct exec 123 -- cat /var/lib/moxnas/initial-admin-password');
    expect(await leftovers()).toEqual([]);
    expect(await fs.readFile(path.join(dir, 'ct.log'), 'utf8')).toContain('pct create 123');
  });

  itOnHost('stops at the first failing command with exit 1, names it, and leaves no temp file', { root: true }, async () => {
    const r = await helper(['--id', '124', '--artifact', artifact], { FAKE_FAIL: 'start' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this command failed (exit code 5): pct start 124');
    expect((await recorded()).filter((c) => c.startsWith('pct')).map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['pct status', 'pct create', 'pct start']);
    expect(await leftovers()).toEqual([]);
  });

  it('update ID: pushes the new release and runs its installer with --upgrade', async () => {
    const r = await helper(['update', '150', '--artifact', artifact, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(printed(r.stdout)).toEqual(install(150, ' --upgrade'));
    expect(await recorded()).toEqual([]);
  });

  itOnHost('update refuses a container that is not running, and upgrades a running one', { root: true }, async () => {
    const stopped = await helper(['update', '151', '--artifact', artifact], { FAKE_STATUS: 'status: stopped' });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('container 151 is not running (status: stopped): pct start 151');
    await fs.rm(calls, { force: true });
    const running = await helper(['update', '151', '--artifact', artifact], { FAKE_STATUS: 'status: running' });
    expect(running.stderr).toBe('');
    expect(running.code).toBe(0);
    const pushed = (await recorded()).map((c) => c.replace(new RegExp(`${tmp}/moxnas-ct\\.[A-Za-z0-9]+`, 'g'), 'WORK'));
    expect(pushed).toEqual(['pct status 151', ...install(151, ' --upgrade'), 'pct exec 151 -- hostname -I']);
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    [['--id', 'abc', '--artifact', 'A'], '--id must be a number'],
    [['--id', '99', '--artifact', 'A'], '--id must be a number from 100'],
    [['--id', '120', '--artifact', 'A', '--template', 'debian.tar.zst'], '--template must be a volume id'],
    [['--id', '120', '--artifact', 'A', '--hostname', 'bad_name'], 'is not a valid host name'],
    [['--id', '120', '--artifact', 'A', '--ip', '300.1.1.1/24'], '--ip must be dhcp or an IPv4 address'],
    [['--id', '120', '--artifact', 'A', '--ip', '10.0.0.5/24,gw=10.0.0'], "gateway '10.0.0' is not an IPv4 address"],
    [['--id', '120', '--artifact', 'A', '--memory', '256'], '--memory (var_ram) must be at least 512 MiB'],
    [['--id', '120', '--artifact', 'A', '--disk', '2'], '--disk (var_disk) must be at least 4 GiB'],
    [['--id', '120', '--artifact', 'A', '--cores', '0'], '--cores (var_cpu) must be a number'],
    [['--id', '120', '--artifact', 'A', '--os', 'ubuntu'], '--os (var_os) must be debian'],
    [['--id', '120', '--artifact', 'A', '--os-version', '11'], '--os-version (var_version) must be 12 or 13'],
    [['--id', '120', '--artifact', 'A', '--unprivileged', 'yes'], '--unprivileged (var_unprivileged) must be 0 or 1'],
    [['--id', '120', '--artifact', 'A', '--mount', 'relative:/srv/x'], '--mount paths must be absolute'],
    [['--id', '120', '--artifact', 'A', '--mount', '/definitely/not/here:/srv/x'], 'is not a directory on this host'],
    [['--id', '120', '--artifact', '/definitely/not/here.tar.gz'], '--artifact /definitely/not/here.tar.gz: no such file'],
    [['--id', '120', '--artifact', 'https://example.org/m.tar.gz'], '--artifact with a URL needs --sha256'],
    [['--id', '120', '--artifact', 'http://example.org/m.tar.gz', '--sha256', 'a'.repeat(64)], '--artifact URL must be https://'],
    [['--id', '120', '--artifact', 'A', '--sha256', 'xyz'], '--sha256 must be 64 hex digits'],
    [['--id', '120'], '--artifact is required'],
    [['--id', '120', '--artifact', 'A', '--bogus'], 'unknown argument: --bogus'],
    [['--id'], '--id needs a value'],
    [['update'], 'update needs the container id'],
    [['update', '150', '--artifact', 'A', '--cores', '2'], '--cores does not apply to update'],
  ])('rejects %j with exit 2 and the usage text', async (args, message) => {
    const withArtifact = args.map((a) => (a === 'A' ? artifact : a));
    const r = await helper([...withArtifact, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('Usage: moxnas-ct.sh');
    expect((await recorded()).filter((c) => !c.startsWith('pvesm') && !c.startsWith('pveam'))).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('prints its help, with every var_* override, with exit 0', async () => {
    const r = await helper(['--help']);
    expect(r.code).toBe(0);
    for (const v of ['var_cpu', 'var_ram', 'var_disk', 'var_os', 'var_version', 'var_unprivileged', 'update ID', '--dry-run']) expect(r.stdout).toContain(v);
  });
});
