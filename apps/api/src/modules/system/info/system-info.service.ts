import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { ContainerInfo, SystemInfo } from '@moxnas/contracts';
import type { HostCapabilities, HostFs, SystemReader } from '@moxnas/host';
import { CacheService } from '../../../core/cache/cache.service';
import { APP_CONFIG, type AppConfig } from '../../../core/config/config';
import { DatabaseService } from '../../../core/database/database.service';
import { HOST_CAPABILITIES, HOST_FS } from '../../../core/host/host.module';
import { SYSTEM_READER } from '../metrics/system-reader.token';

const CACHE_SECONDS = 5;
export const BUILD_INFO_FILE = 'build-info.json';

export interface BuildInfo {
  commit: string;
  builtAt: string | null;
}

export function containerInfo(host: HostCapabilities): ContainerInfo {
  const type = host.container.type.value;
  return {
    type,
    privileged: type === 'none' ? null : !host.container.unprivileged.value,
    reason: host.container.type.reason,
  };
}

/**
 * What the System page shows about the box. Figures are read from /proc and /etc (no external
 * tool) and cached for a few seconds, so a dashboard polling it costs the host nothing.
 */
@Injectable()
export class SystemInfoService {
  private readonly startedAt = new Date(Date.now() - process.uptime() * 1000);
  private build: Promise<BuildInfo> | undefined;

  constructor(
    @Inject(SYSTEM_READER) private readonly reader: SystemReader,
    @Inject(HOST_FS) private readonly fs: HostFs,
    @Inject(HOST_CAPABILITIES) private readonly host: HostCapabilities,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: CacheService,
    private readonly db: DatabaseService,
  ) {}

  async info(): Promise<SystemInfo> {
    const hostname = await this.reader.hostname();
    // Keyed by host name: API instances on different machines may share one Redis.
    const key = `system:info:${hostname}`;
    const cached = await this.cache.getJson<SystemInfo>(key);
    if (cached) return cached;
    const info = await this.collect(hostname);
    await this.cache.setJson(key, info, CACHE_SECONDS);
    return info;
  }

  private async collect(hostname: string): Promise<SystemInfo> {
    const [os, kernel, uptime, cpu, stat, load, mem, build] = await Promise.all([
      this.reader.osRelease(),
      this.reader.kernel(),
      this.reader.uptimeSeconds(),
      this.reader.cpuInfo(),
      this.reader.procStat(),
      this.reader.loadAverage(),
      this.reader.memInfo(),
      this.buildInfo(),
    ]);
    return {
      hostname,
      os,
      kernel,
      uptimeSeconds: Math.round(uptime),
      cpu: {
        model: cpu.model,
        // /proc/stat lists the CPUs this system may use (lxcfs narrows it in a limited container).
        cores: stat.cores.length || cpu.logical,
        loadAverage: load,
      },
      memory: {
        totalBytes: mem.totalBytes,
        usedBytes: Math.max(0, mem.totalBytes - mem.availableBytes),
        availableBytes: mem.availableBytes,
        freeBytes: mem.freeBytes,
        buffersBytes: mem.buffersBytes,
        cachedBytes: mem.cachedBytes,
      },
      swap: { totalBytes: mem.swapTotalBytes, usedBytes: Math.max(0, mem.swapTotalBytes - mem.swapFreeBytes), freeBytes: mem.swapFreeBytes },
      container: containerInfo(this.host),
      app: { version: this.config.version, commit: build.commit, builtAt: build.builtAt, node: process.version, startedAt: this.startedAt.toISOString() },
      database: { backend: this.db.backend },
      cache: { backend: this.cache.backend },
      collectedAt: new Date().toISOString(),
    };
  }

  /**
   * The build's commit, from `build-info.json` (`{"commit": "<sha>", "builtAt": "<iso>"}`) written by
   * the build next to package.json; git is not available at run time. Missing → `unknown`.
   */
  buildInfo(): Promise<BuildInfo> {
    this.build ??= (async () => {
      const dirs: string[] = [];
      for (let d = __dirname, i = 0; i < 8; i++, d = path.dirname(d)) dirs.push(d);
      dirs.push(process.cwd());
      for (const dir of dirs) {
        const text = await this.fs.readFile(path.join(dir, BUILD_INFO_FILE)).catch(() => null);
        if (text === null) continue;
        try {
          const parsed = JSON.parse(text) as { commit?: unknown; builtAt?: unknown };
          return {
            commit: typeof parsed.commit === 'string' && /^[0-9a-f]{7,40}$/i.test(parsed.commit) ? parsed.commit : 'unknown',
            builtAt: typeof parsed.builtAt === 'string' ? parsed.builtAt : null,
          };
        } catch {
          return { commit: 'unknown', builtAt: null };
        }
      }
      return { commit: 'unknown', builtAt: null };
    })();
    return this.build;
  }
}
