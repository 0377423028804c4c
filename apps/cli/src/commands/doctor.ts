import { nfsServerFix, probeHost, type HostCapabilities, type ProbedBinary } from '@moxnas/host';
import { ConfigError, loadConfig, type AppConfig } from '../api';
import { EXIT, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { printReport, report, type Check } from '../lib/checks';
import { databaseChecks, redisCheck } from '../lib/connectivity';
import { dataDirState, type DataDirState } from '../lib/host-facts';

/** Daemon binaries the doctor reports; `required` ones fail the run when missing. */
export const DOCTOR_BINARIES: readonly { name: ProbedBinary; required: boolean; missing: string }[] = [
  { name: 'smbd', required: true, missing: 'SMB shares cannot be served' },
  { name: 'testparm', required: true, missing: 'smb.conf cannot be validated before it is applied' },
  { name: 'vsftpd', required: true, missing: 'FTP shares cannot be served' },
  { name: 'exportfs', required: false, missing: 'NFS shares are unavailable' },
];

/**
 * Turns the probed capabilities (libs/host, the same probe the app's /api/system/capabilities uses)
 * into doctor lines: pure, so every branch is unit-tested. `system` is true for a production install
 * (MOXNAS_ETC_ROOT=/), where root is required rather than advised.
 */
export function hostChecks(caps: HostCapabilities, dataDir: { path: string; state: DataDirState }, system: boolean): Check[] {
  const checks: Check[] = [];
  checks.push({
    id: 'root',
    title: 'Root',
    status: caps.root.value ? 'ok' : system ? 'fail' : 'warn',
    detail: caps.root.reason,
    ...(caps.root.fix ? { fix: caps.root.fix } : {}),
  });
  checks.push({ id: 'service-manager', title: 'Service manager', status: 'ok', detail: caps.systemdPid1.reason });
  for (const b of DOCTOR_BINARIES) {
    const fact = caps.binaries[b.name];
    checks.push(
      fact.value
        ? { id: `binary:${b.name}`, title: b.name, status: 'ok', detail: fact.reason }
        : {
            id: `binary:${b.name}`,
            title: b.name,
            status: b.required ? 'fail' : 'warn',
            detail: `not installed: ${b.missing}`,
            ...(fact.fix ? { fix: fact.fix } : {}),
          },
    );
  }
  const type = caps.container.type.value;
  const unprivileged = caps.container.unprivileged.value;
  checks.push({
    id: 'container',
    title: 'Container',
    status: 'ok',
    detail:
      type === 'lxc'
        ? unprivileged
          ? 'unprivileged LXC: SMB and FTP work; the kernel NFS server cannot run; files on bind-mounted pools show host uids shifted by the idmap'
          : 'privileged LXC: NFS works when the host has nfsd loaded and the AppArmor profile allows it'
        : type === 'none'
          ? 'not in a container'
          : `${type} container${unprivileged ? ' in a user namespace' : ''}`,
  });
  checks.push(
    caps.kernelNfsd.value
      ? { id: 'nfsd', title: 'Kernel NFS server', status: 'ok', detail: caps.kernelNfsd.reason }
      : {
          id: 'nfsd',
          title: 'Kernel NFS server',
          status: 'warn',
          detail: caps.kernelNfsd.reason,
          // The same text as the capabilities list and the services' status.
          fix: nfsServerFix({ type, unprivileged }),
        },
  );
  checks.push(
    dataDir.state === 'writable'
      ? { id: 'data-dir', title: 'Data dir', status: 'ok', detail: `${dataDir.path} is writable` }
      : dataDir.state === 'missing'
        ? { id: 'data-dir', title: 'Data dir', status: 'warn', detail: `${dataDir.path} does not exist yet; the app creates it at start` }
        : {
            id: 'data-dir',
            title: 'Data dir',
            status: 'fail',
            detail: `${dataDir.path} is not writable`,
            fix: `install -d -m 700 -o root ${dataDir.path}`,
          },
  );
  return checks;
}

export const command: CliCommand = {
  name: 'doctor',
  summary: 'Check the host: root, service manager, daemons, NFS, container type, database, Redis',
  usage: `Usage: moxnas doctor [--json]

Checks what MoxNAS needs on this machine and says how to fix what is missing:
  configuration, root, systemd as PID 1 (else the process driver), smbd, testparm,
  vsftpd, exportfs, kernel nfsd, LXC privileged or unprivileged, data dir,
  database, migrations, Redis.

Exit 1 when a required check fails (FAIL lines), 0 otherwise; WARN lines are optional
features that are unavailable or degraded.

Options:
  --json    Print {"ok": bool, "checks": [{id, title, status, detail, fix}]} instead of text.`,
  async run(args) {
    const flags = parseFlags(args, { json: { type: 'boolean' } });
    let config: AppConfig | undefined;
    const checks: Check[] = [];
    try {
      config = loadConfig();
      checks.push({ id: 'config', title: 'Configuration', status: 'ok', detail: 'environment is valid' });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      checks.push({ id: 'config', title: 'Configuration', status: 'fail', detail: err.message, fix: `correct ${err.variable} in /etc/moxnas/moxnas.env` });
    }
    if (config) {
      const [caps, state] = await Promise.all([probeHost(), dataDirState(config.dataDir)]);
      checks.push(...hostChecks(caps, { path: config.dataDir, state }, config.etcRoot === '/'));
      const [db, redis] = await Promise.all([databaseChecks(config), redisCheck(config)]);
      checks.push(...db, redis);
    }
    const r = report(checks);
    printReport(r, flags.json === true);
    return r.ok ? EXIT.ok : EXIT.failure;
  },
};
