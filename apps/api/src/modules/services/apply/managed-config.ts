import type { ServiceId } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';

/**
 * The kinds of desired state a config file can be rendered from. A change says which kinds it
 * touches; each ManagedConfig says (in `dependsOn`) which kinds its render reads; the apply engine
 * re-applies exactly the services where the two meet, in the same change. A new dependency is one
 * entry in the reading service's `dependsOn` (docs/services.md has the table).
 */
export const ENTITY_KINDS = [
  'settings.smb',
  'settings.nfs',
  'settings.ftp',
  'shares.smb',
  'shares.nfs',
  'shares.ftp',
  'users',
  'groups',
  'memberships',
  'datasets',
  'pools',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** The files a service owns, rendered from the desired state. */
export interface RenderedConfig {
  /** Absolute path → full file content. */
  files: Map<string, string>;
  /** Directories the service owns entirely: files in them that are not rendered are removed. */
  ownedDirs: string[];
  /** The service's global settings used for this render (stored with the revision, for rollback). */
  settings: Record<string, unknown>;
}

export interface ValidationOutcome {
  ok: boolean;
  messages: string[];
  /** Set when the daemon's own checker could not run here (binary missing); the grammar still guarded every value. */
  skipped?: string;
}

/** How the apply engine renders and checks one service's configuration. */
export interface ManagedConfig {
  service: ServiceId;
  /**
   * Every kind of desired state `render` reads (directly or through a ConfigContributions reader).
   * A change touching any of them re-applies this service; one that is missing here leaves the
   * files stale after such a change, which the model-based test (test/services) finds.
   */
  readonly dependsOn: readonly EntityKind[];
  /** Reads the desired state through `manager` (inside the apply transaction) and renders every owned file. */
  render(manager: EntityManager): Promise<RenderedConfig>;
  /** Runs the daemon's own checker on the candidate files. */
  validate(files: Map<string, string>): Promise<ValidationOutcome>;
}

export type DaemonOutcome =
  | { outcome: 'reloaded' }
  | { outcome: 'not-running' }
  | { outcome: 'unavailable'; reason: string }
  | { outcome: 'failed'; error: string };

/** Makes a running daemon take new files and checks it is still healthy. */
export interface DaemonReloader {
  /**
   * `settings` are the service settings the new files were rendered from (ports may have changed).
   * `restart` brings a daemon that was running before back up even if it is down now (rollback).
   */
  reloadAndVerify(service: ServiceId, settings: Record<string, unknown>, options?: { restart?: boolean }): Promise<DaemonOutcome>;
}

export const DAEMON_RELOADER = Symbol('DAEMON_RELOADER');
