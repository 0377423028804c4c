import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertSeverity } from '@moxnas/contracts';

export interface WebhookChannelConfig {
  url: string;
  timeoutSeconds: number;
}

export interface EmailChannelConfig {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  username: string | null;
  rejectUnauthorized: boolean;
  from: string;
  to: string[];
}

/** Kept apart from `config` so no code path that serialises a channel can leak them. */
export interface ChannelSecrets {
  webhookSecret?: string;
  smtpPassword?: string | null;
}

@Entity('alert_channels')
export class AlertChannelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: 'webhook' | 'email';

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'min_severity', type: 'varchar', length: 16 })
  minSeverity!: AlertSeverity;

  @Column({ type: 'jsonb' })
  config!: WebhookChannelConfig | EmailChannelConfig;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  secrets!: ChannelSecrets;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
