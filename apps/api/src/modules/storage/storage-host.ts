import { ExecCommandRunner, HostIdentities, NodeStorageFs, createSnapshotDrivers, type CommandRunner, type SnapshotDriver, type SnapshotDriverKind, type StorageFs } from '@moxnas/host';

/** Every host adapter the storage module uses, injected as one (token STORAGE_HOST). */
export interface StorageHost {
  fs: StorageFs;
  runner: CommandRunner;
  drivers: Record<SnapshotDriverKind, SnapshotDriver>;
  identities: HostIdentities;
  /** The mount table file (/proc/self/mountinfo). */
  mountinfo: string;
  /** Effective uid 0. */
  root: boolean;
}

export const STORAGE_HOST = Symbol('STORAGE_HOST');

export function createStorageHost(): StorageHost {
  const fs = new NodeStorageFs();
  const runner = new ExecCommandRunner();
  return {
    fs,
    runner,
    drivers: createSnapshotDrivers(fs, runner),
    identities: new HostIdentities(runner),
    mountinfo: '/proc/self/mountinfo',
    root: process.geteuid?.() === 0,
  };
}

/** Where "now" comes from: the scheduler and retention are tested with a clock of their own. */
export interface StorageClock {
  now(): Date;
}

export const STORAGE_CLOCK = Symbol('STORAGE_CLOCK');

/** Intervals and limits of the background work. */
export interface StorageOptions {
  /** Pool health and space refresh. */
  poolRefreshMs: number;
  /** Dataset used-bytes measurement (and the soft quota check). */
  usageRefreshMs: number;
  /** How often the scheduler looks for due snapshot tasks. */
  schedulerTickMs: number;
  /** Budget of one dataset measurement. */
  usageMaxEntries: number;
  usageMaxMs: number;
}

export const STORAGE_OPTIONS = Symbol('STORAGE_OPTIONS');
export const defaultStorageOptions: StorageOptions = {
  poolRefreshMs: 60_000,
  usageRefreshMs: 15 * 60_000,
  schedulerTickMs: 20_000,
  usageMaxEntries: 1_000_000,
  usageMaxMs: 120_000,
};
