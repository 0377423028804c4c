import { Injectable, OnModuleInit } from '@nestjs/common';
import { CreateAlertChannel, type ConfigChange } from '@moxnas/contracts';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { ConfigBackupRegistry } from '../config-backup/config-backup.registry';
import { AlertChannelEntity, type EmailChannelConfig, type WebhookChannelConfig } from './alert-channel.entity';
import { changedKeys, planById } from '../config-backup/config-diff';

const Section = z
  .array(z.object({ id: z.string().uuid(), channel: CreateAlertChannel }))
  .max(1000)
  .superRefine((list, ctx) => {
    const names = new Map<string, number>();
    list.forEach((c, i) => {
      const key = c.channel.name.toLowerCase();
      if (names.has(key)) ctx.addIssue({ code: 'custom', message: `the name "${c.channel.name}" is used twice`, path: [i, 'channel', 'name'] });
      names.set(key, i);
    });
  });
type Section = z.infer<typeof Section>;

/** A stored channel in the shape the create endpoint takes, secrets included. */
function toInput(row: AlertChannelEntity): Section[number] {
  const base = { name: row.name, enabled: row.enabled, minSeverity: row.minSeverity };
  if (row.type === 'webhook') {
    const c = row.config as WebhookChannelConfig;
    return { id: row.id, channel: { ...base, type: 'webhook', webhook: { url: c.url, timeoutSeconds: c.timeoutSeconds, secret: row.secrets.webhookSecret ?? '' } } };
  }
  const c = row.config as EmailChannelConfig;
  return { id: row.id, channel: { ...base, type: 'email', email: { ...c, password: row.secrets.smtpPassword ?? null } } };
}

function changedFields(a: Section[number]['channel'], b: Section[number]['channel']): string[] {
  const flat = (c: Section[number]['channel']): Record<string, unknown> => {
    const { webhook, email, ...rest } = c as Section[number]['channel'] & { webhook?: object; email?: object };
    return { ...rest, ...Object.fromEntries(Object.entries(webhook ?? email ?? {}).map(([k, v]) => [`${c.type}.${k}`, v])) };
  };
  return changedKeys(flat(a), flat(b));
}

/** The `alertChannels` section of the configuration export: channels with their secrets. */
@Injectable()
export class AlertChannelsBackupSection implements OnModuleInit {
  constructor(private readonly registry: ConfigBackupRegistry) {}

  onModuleInit(): void {
    this.registry.contribute<Section>({
      name: 'alertChannels',
      version: 1,
      order: 900,
      schema: Section,
      export: async (m) => (await m.find(AlertChannelEntity, { order: { name: 'ASC' } })).map(toInput),
      plan: (m, incoming) => this.plan(m, incoming),
      import: (m, incoming) => this.replace(m, incoming),
    });
  }

  private async plan(m: EntityManager, incoming: Section): Promise<ConfigChange[]> {
    const current = (await m.find(AlertChannelEntity)).map(toInput);
    return planById('alert channel', current, incoming, (c) => c.channel.name, (a, b) => changedFields(a.channel, b.channel));
  }

  private async replace(m: EntityManager, incoming: Section): Promise<void> {
    const now = new Date();
    const existing = new Map((await m.find(AlertChannelEntity)).map((r) => [r.id, r]));
    const keep = new Set(incoming.map((c) => c.id));
    const gone = [...existing.keys()].filter((id) => !keep.has(id));
    if (gone.length) await m.delete(AlertChannelEntity, gone);
    // Free the names first so a rename that swaps two names does not trip the unique index.
    for (const c of incoming) if (existing.has(c.id)) await m.update(AlertChannelEntity, { id: c.id }, { name: `~import~${c.id}` });
    for (const { id, channel } of incoming) {
      const config = channel.type === 'webhook' ? { url: channel.webhook.url, timeoutSeconds: channel.webhook.timeoutSeconds } : (({ password: _p, ...rest }) => rest)(channel.email);
      const secrets = channel.type === 'webhook' ? { webhookSecret: channel.webhook.secret } : { smtpPassword: channel.email.password };
      await m.save(
        m.create(AlertChannelEntity, {
          id,
          name: channel.name,
          type: channel.type,
          enabled: channel.enabled,
          minSeverity: channel.minSeverity,
          config,
          secrets,
          createdAt: existing.get(id)?.createdAt ?? now,
          updatedAt: now,
        }),
      );
    }
  }
}
