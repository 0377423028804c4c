import type { HttpAdapterHost } from '@nestjs/core';
import type { Repository } from 'typeorm';
import { MetricsService } from '../../../core/metrics/metrics.service';
import type { AuditEntryEntity } from '../entities/audit-entry.entity';
import { AuditService } from './audit.service';

/** The one repository method the audit service writes with; each call answers from `outcomes`. */
class FakeEntries {
  readonly inserted: AuditEntryEntity[] = [];
  constructor(private readonly outcomes: ('ok' | 'refuse')[]) {}

  async insert(entry: AuditEntryEntity): Promise<void> {
    const outcome = this.outcomes.shift() ?? 'ok';
    if (outcome === 'refuse') throw new Error('invalid input syntax for type json');
    this.inserted.push({ ...entry });
  }
}

function service(entries: FakeEntries, metrics: MetricsService): AuditService {
  return new AuditService(entries as unknown as Repository<AuditEntryEntity>, { httpAdapter: undefined } as unknown as HttpAdapterHost, { now: () => new Date('2025-01-01T00:00:00Z') }, metrics);
}

async function failures(metrics: MetricsService, stage: string): Promise<number> {
  const metric = await metrics.registry.getSingleMetric('moxnas_audit_write_failures_total')?.get();
  return metric?.values.find((v) => v.labels['stage'] === stage)?.value ?? 0;
}

describe('AuditService storing', () => {
  it('stores a refused entry again without before/after, says why, and counts it', async () => {
    const entries = new FakeEntries(['refuse', 'ok']);
    const metrics = new MetricsService();
    await service(entries, metrics).recordSystem('cli.backup', 'file:/tmp/x', { sections: ['users'] });
    expect(entries.inserted).toHaveLength(1);
    expect(entries.inserted[0]).toMatchObject({ action: 'cli.backup', target: 'file:/tmp/x', before: null, after: null });
    expect(entries.inserted[0].message).toContain('before/after not stored: invalid input syntax for type json');
    expect(await failures(metrics, 'full')).toBe(1);
    expect(await failures(metrics, 'lost')).toBe(0);
  });

  it('counts an entry refused twice as lost, without throwing at the caller', async () => {
    const entries = new FakeEntries(['refuse', 'refuse']);
    const metrics = new MetricsService();
    await expect(service(entries, metrics).recordSystem('cli.restore', 'file:/tmp/y', {})).resolves.toBeUndefined();
    expect(entries.inserted).toEqual([]);
    expect(await failures(metrics, 'lost')).toBe(1);
  });

  it('makes NUL characters storable in every text column', async () => {
    const entries = new FakeEntries(['ok']);
    await service(entries, new MetricsService()).recordSystem('cli.resetAdminPassword', 'user:ad\u0000min', { username: 'ad\u0000min' }, 'note\u0000');
    expect(entries.inserted[0]).toMatchObject({ target: 'user:ad\u2400min', after: { username: 'ad\u2400min' }, message: 'note\u2400' });
  });
});
