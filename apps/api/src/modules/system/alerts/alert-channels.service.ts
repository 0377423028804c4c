import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { AlertChannel, CreateAlertChannel, UpdateAlertChannel } from '@moxnas/contracts';
import { Repository } from 'typeorm';
import { DomainError } from '../../../core/errors/domain-error';
import { AuditContext } from '../../users/audit/audit-context';
import { AlertChannelEntity, type ChannelSecrets, type EmailChannelConfig, type WebhookChannelConfig } from './alert-channel.entity';
import { SYSTEM_CLOCK, type SystemClock } from './system-clock';

/** Notification channels. Secrets are write-only: stored apart from the settings and never returned. */
@Injectable()
export class AlertChannelsService {
  constructor(
    @InjectRepository(AlertChannelEntity) private readonly channels: Repository<AlertChannelEntity>,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    private readonly audit: AuditContext,
  ) {}

  async list(): Promise<AlertChannel[]> {
    const rows = await this.channels.find({ order: { name: 'ASC' } });
    return rows.map(toChannel);
  }

  async get(id: string): Promise<AlertChannel> {
    return toChannel(await this.find(id));
  }

  private async find(id: string): Promise<AlertChannelEntity> {
    const row = await this.channels.findOneBy({ id });
    if (!row) throw DomainError.notFound('The alert channel');
    return row;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    const clash = await this.channels.createQueryBuilder('c').where('lower(c.name) = lower(:name)', { name }).getOne();
    if (clash && clash.id !== exceptId) {
      throw DomainError.validation([{ field: 'name', message: `a channel named "${clash.name}" already exists` }]);
    }
  }

  async create(input: CreateAlertChannel): Promise<AlertChannel> {
    await this.assertNameFree(input.name);
    const now = this.clock.now();
    const { config, secrets } = split(input, {});
    const row = await this.channels.save(
      this.channels.create({ name: input.name, type: input.type, enabled: input.enabled, minSeverity: input.minSeverity, config, secrets, createdAt: now, updatedAt: now }),
    );
    const created = toChannel(row);
    this.audit.describe({ target: `alert-channel:${created.name}`, before: null, after: created });
    return created;
  }

  async update(id: string, input: UpdateAlertChannel): Promise<AlertChannel> {
    const row = await this.find(id);
    const before = toChannel(row);
    if (row.type !== input.type) throw DomainError.conflict(`This is a ${row.type} channel; its type cannot change. Delete it and create a ${input.type} channel instead.`);
    await this.assertNameFree(input.name, id);
    const { config, secrets } = split(input, row.secrets);
    Object.assign(row, { name: input.name, enabled: input.enabled, minSeverity: input.minSeverity, config, secrets, updatedAt: this.clock.now() });
    await this.channels.save(row);
    const after = toChannel(row);
    this.audit.describe({ target: `alert-channel:${after.name}`, before, after });
    return after;
  }

  async remove(id: string): Promise<void> {
    const before = toChannel(await this.find(id));
    const res = await this.channels.delete({ id });
    if (!res.affected) throw DomainError.notFound('The alert channel');
    this.audit.describe({ target: `alert-channel:${before.name}`, before, after: null });
  }
}

/** Settings and secrets of a create or update; an omitted secret keeps the stored one. */
function split(input: CreateAlertChannel | UpdateAlertChannel, current: ChannelSecrets): { config: WebhookChannelConfig | EmailChannelConfig; secrets: ChannelSecrets } {
  if (input.type === 'webhook') {
    const { secret, ...config } = input.webhook;
    return { config, secrets: { webhookSecret: secret ?? current.webhookSecret } };
  }
  const { password, ...config } = input.email;
  return { config, secrets: { smtpPassword: password === undefined ? (current.smtpPassword ?? null) : password } };
}

export function toChannel(row: AlertChannelEntity): AlertChannel {
  const base = {
    id: row.id,
    name: row.name,
    type: row.type,
    enabled: row.enabled,
    minSeverity: row.minSeverity,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
  if (row.type === 'webhook') {
    const c = row.config as WebhookChannelConfig;
    return { ...base, webhook: { url: c.url, timeoutSeconds: c.timeoutSeconds, secretSet: Boolean(row.secrets?.webhookSecret) }, email: null };
  }
  const c = row.config as EmailChannelConfig;
  return {
    ...base,
    webhook: null,
    email: {
      host: c.host,
      port: c.port,
      security: c.security,
      username: c.username,
      passwordSet: Boolean(row.secrets?.smtpPassword),
      rejectUnauthorized: c.rejectUnauthorized,
      from: c.from,
      to: c.to,
    },
  };
}
