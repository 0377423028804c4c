import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertDelivery, DeliveryAttempt } from '@moxnas/contracts';

export type DeliveryEvent = AlertDelivery['event'];
export type DeliveryStatus = AlertDelivery['status'];

@Entity('alert_deliveries')
export class AlertDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId!: string;

  @Column({ name: 'alert_id', type: 'uuid', nullable: true })
  alertId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  event!: DeliveryEvent;

  /** What is sent (the alert as it was when the event happened), fixed at enqueue time. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  log!: DeliveryAttempt[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /** Set while a worker sends it; a claim older than a few minutes belongs to a worker that died. */
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;
}
