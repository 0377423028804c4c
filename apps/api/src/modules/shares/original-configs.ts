import path from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { HostFs } from '@moxnas/host';
import { MANAGED_HEADER } from '@moxnas/render';
import { APP_CONFIG, type AppConfig } from '../../core/config/config';
import type { HostPaths } from '../../core/config/host-paths';
import { HOST_FS, HOST_PATHS } from '../../core/host/host.module';

export type OriginalFile = 'smbConf' | 'exports' | 'vsftpdConf';

const FILE_NAMES: Record<OriginalFile, string> = { smbConf: 'smb.conf', exports: 'exports', vsftpdConf: 'vsftpd.conf' };

/** Written once the first look has been taken, whatever it found: later starts never copy again. */
const MARKER = '.taken';

/**
 * Keeps the host's own smb.conf, /etc/exports and vsftpd.conf as they were before MoxNAS ever
 * wrote them, in `<data dir>/imported-originals/`, so the shares import can read a hand-made setup
 * after the first apply replaced it. Runs in onModuleInit: before the startup reconcile (an
 * onApplicationBootstrap step) and before any request can apply a change.
 */
@Injectable()
export class OriginalConfigs implements OnModuleInit {
  private readonly log = new Logger('shares');
  readonly dir: string;

  constructor(
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.dir = path.join(config.dataDir, 'imported-originals');
  }

  private live(file: OriginalFile): string {
    return { smbConf: this.paths.smbConf, exports: this.paths.exports, vsftpdConf: this.paths.vsftpdConf }[file];
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.keepOriginals();
    } catch (err) {
      // Never a reason not to start; the import then reads the live files.
      this.log.error({ err: (err as Error).message, dir: this.dir }, 'could not keep the original share configs');
    }
  }

  async keepOriginals(): Promise<void> {
    if (await this.fs.exists(path.join(this.dir, MARKER))) return;
    await this.fs.mkdir(this.dir, { mode: 0o700 });
    const kept: string[] = [];
    for (const file of Object.keys(FILE_NAMES) as OriginalFile[]) {
      const text = await this.fs.readFile(this.live(file));
      // A file MoxNAS wrote is not an original (a data dir recreated on a configured box).
      if (text === null || text.startsWith(MANAGED_HEADER.split('\n')[0])) continue;
      await this.fs.writeFileAtomic(path.join(this.dir, FILE_NAMES[file]), text, { mode: 0o600 });
      kept.push(this.live(file));
    }
    await this.fs.writeFileAtomic(path.join(this.dir, MARKER), `${JSON.stringify({ at: new Date().toISOString(), kept })}\n`, { mode: 0o600 });
    if (kept.length) this.log.log({ kept, dir: this.dir }, 'kept the host’s original share configs for the import');
  }

  /** The kept original of a file, else the live file, else null; with where it came from. */
  async read(file: OriginalFile): Promise<{ text: string; from: string } | null> {
    const kept = path.join(this.dir, FILE_NAMES[file]);
    const original = await this.fs.readFile(kept);
    if (original !== null) return { text: original, from: kept };
    const live = await this.fs.readFile(this.live(file));
    return live === null ? null : { text: live, from: this.live(file) };
  }
}
