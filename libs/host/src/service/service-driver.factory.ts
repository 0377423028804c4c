import type { CommandRunner } from '../command/command-runner';
import type { HostFs } from '../fs/host-fs';
import { ProcessDriver, type ProcessDriverOptions } from './process.driver';
import { NodeProcessHost, type ProcessHost } from './process-host';
import type { ServiceDefinition, ServiceDriver } from './service-driver';
import { SystemdDriver } from './systemd.driver';

export type ServiceDriverKind = 'systemd' | 'process';

export interface ServiceDriverFactoryOptions {
  /** From probeHost().systemdPid1.value. */
  systemdPid1: boolean;
  /** Overrides the choice (an admin setting or a test); default: systemd when it is PID 1. */
  kind?: ServiceDriverKind;
  definitions: readonly ServiceDefinition[];
  runner: CommandRunner;
  fs: HostFs;
  /** Pid files and the enabled-state file of the process driver. */
  runDir: string;
  processHost?: ProcessHost;
  /** Fine-tuning of the process driver (backoff, clock). */
  process?: Pick<ProcessDriverOptions, 'backoff' | 'now' | 'pollIntervalMs' | 'settleMs' | 'stateFile'>;
}

/** systemd when it is PID 1; otherwise the app supervises the daemons itself. */
export function chooseServiceDriverKind(systemdPid1: boolean, override?: ServiceDriverKind): ServiceDriverKind {
  return override ?? (systemdPid1 ? 'systemd' : 'process');
}

export function createServiceDriver(options: ServiceDriverFactoryOptions): ServiceDriver {
  const ids = new Set<string>();
  for (const def of options.definitions) {
    if (ids.has(def.id)) throw new Error(`service ${def.id} is defined twice`);
    ids.add(def.id);
  }
  if (chooseServiceDriverKind(options.systemdPid1, options.kind) === 'systemd') {
    return new SystemdDriver({
      runner: options.runner,
      units: Object.fromEntries(options.definitions.map((d) => [d.id, d.unit])),
      now: options.process?.now,
    });
  }
  const driver = new ProcessDriver({
    ...(options.process ?? {}),
    runDir: options.runDir,
    fs: options.fs,
    host: options.processHost ?? new NodeProcessHost(),
    runner: options.runner,
  });
  for (const def of options.definitions) driver.register({ ...def.daemon, id: def.id });
  return driver;
}
