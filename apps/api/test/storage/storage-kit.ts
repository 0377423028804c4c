import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from '@moxnas/contracts';
import { DatasetUsageService } from '../../src/modules/storage/datasets/dataset-usage.service';
import { PoolMonitorService } from '../../src/modules/storage/pools/pool-monitor.service';
import { SnapshotSchedulerService } from '../../src/modules/storage/snapshot-tasks/snapshot-scheduler.service';
import { STORAGE_CLOCK, type StorageClock } from '../../src/modules/storage/storage-host';
import { JobsService } from '../../src/modules/system/jobs/jobs.service';
import { startTestApp, type InjectResult, type TestApp } from '../support/test-app';

export const ADMIN_PASSWORD = 'Storage-test-passphrase-1';

export interface StorageApp extends TestApp {
  token: string;
  api<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<InjectResult<T>>;
  /** Waits for a job to finish and returns it. */
  job(id: string): Promise<Job>;
  /** Sets the storage module's clock (snapshot names, schedules, retention); null = real time again. */
  setNow(at: Date | null): void;
}

/**
 * The real API with a known admin password, logged in as admin. The background timers (pool
 * refresh, usage walks, scheduler) are stopped: tests drive those passes themselves, with their own
 * clock, so nothing runs behind their back.
 */
export async function startStorageApp(): Promise<StorageApp> {
  const app = await startTestApp({ env: { MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_TRUST_PROXY: '1' } });
  app.app.get(SnapshotSchedulerService).stop();
  app.app.get(PoolMonitorService).stop();
  app.app.get(DatasetUsageService).stop();
  const ip = `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
  const login = await app.request<{ accessToken: string }>({ method: 'POST', url: '/api/auth/login', body: { username: 'admin', password: ADMIN_PASSWORD }, headers: { 'x-forwarded-for': ip } });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
  const token = login.body.accessToken;
  const jobs = app.app.get(JobsService);
  const clock = app.app.get<StorageClock>(STORAGE_CLOCK);
  return Object.assign(app, {
    setNow(at: Date | null) {
      clock.now = at ? () => new Date(at) : () => new Date();
    },
    token,
    api: <T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) => app.request<T>({ method, url, body, token }),
    async job(id: string): Promise<Job> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const job = await jobs.get(id);
        if (job.state !== 'running' && job.state !== 'queued') return job;
        if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after 60 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  });
}

/** A fresh directory under the system temp dir (a plain directory on the root file system). */
export async function tempDir(prefix = 'pool'): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), `moxnas-${prefix}-`)));
}

export function uniqueName(prefix = 'p'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}
