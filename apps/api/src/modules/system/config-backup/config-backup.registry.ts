import { Injectable } from '@nestjs/common';
import type { ConfigChange } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';

/**
 * One module's part of the configuration export. Each module owns its section: what it exports,
 * how the incoming data is validated, what importing it would change, and how it is written.
 */
export interface ConfigSection<T = unknown> {
  /** Key in the document: `alertChannels`, `users`, `shares.smb`, … */
  name: string;
  /** Bumped on an incompatible change of `T`; older files go through `upgrade`. */
  version: number;
  /** Import order, low first (groups before users before shares). */
  order: number;
  /** Validates the incoming section; its field errors are reported under `document.sections.<name>`. */
  schema: z.ZodType<T>;
  /** Reads the module's desired state (secrets included: the document is encrypted). */
  export(manager: EntityManager): Promise<T>;
  /** What importing `incoming` would change, compared with the database now. */
  plan(manager: EntityManager, incoming: T): Promise<ConfigChange[]>;
  /**
   * Replaces the module's desired state, inside the import transaction (not called on a dry run).
   * Database only: the host is for `afterImport`. A database error here rolls back every section.
   */
  import(manager: EntityManager, incoming: T): Promise<void>;
  /** After the commit: bring the host in line (render and apply configs, accounts). */
  afterImport?(): Promise<void>;
  /** Turns a section written by an older version into the current shape. */
  upgrade?(fromVersion: number, data: unknown): unknown;
}

/** Where modules register their sections (in onModuleInit). */
@Injectable()
export class ConfigBackupRegistry {
  private readonly sections = new Map<string, ConfigSection>();

  contribute<T>(section: ConfigSection<T>): void {
    this.sections.set(section.name, section as ConfigSection);
  }

  get(name: string): ConfigSection | undefined {
    return this.sections.get(name);
  }

  all(): ConfigSection[] {
    return [...this.sections.values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }
}
