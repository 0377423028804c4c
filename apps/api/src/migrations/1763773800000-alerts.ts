import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Alerts (active and history), notification channels and their delivery queue/log. */
export class Alerts1763773800000 implements MigrationInterface {
  name = 'Alerts1763773800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE alerts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      key varchar(200) NOT NULL,
      class varchar(64) NOT NULL,
      severity varchar(16) NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      kind varchar(16) NOT NULL CHECK (kind IN ('condition', 'one-shot')),
      state varchar(16) NOT NULL CHECK (state IN ('active', 'cleared')),
      title text NOT NULL,
      message text NOT NULL,
      source varchar(64) NOT NULL,
      data jsonb,
      count integer NOT NULL DEFAULT 1,
      raised_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      cleared_at timestamptz,
      clear_reason varchar(16),
      acknowledged_at timestamptz,
      acknowledged_by varchar(64),
      expires_at timestamptz
    )`);
    // The deduplication: one active alert per key, whichever instance raises it.
    await q.query(`CREATE UNIQUE INDEX alerts_active_key_uq ON alerts (key) WHERE state = 'active'`);
    await q.query('CREATE INDEX alerts_raised_at_idx ON alerts (raised_at DESC)');
    await q.query('CREATE INDEX alerts_state_idx ON alerts (state, severity)');

    await q.query(`CREATE TABLE alert_channels (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name varchar(64) NOT NULL,
      type varchar(16) NOT NULL CHECK (type IN ('webhook', 'email')),
      enabled boolean NOT NULL DEFAULT true,
      min_severity varchar(16) NOT NULL,
      config jsonb NOT NULL,
      secrets jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
    await q.query('CREATE UNIQUE INDEX alert_channels_name_uq ON alert_channels (lower(name))');

    await q.query(`CREATE TABLE alert_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      channel_id uuid NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
      alert_id uuid REFERENCES alerts(id) ON DELETE SET NULL,
      event varchar(32) NOT NULL,
      payload jsonb NOT NULL,
      status varchar(16) NOT NULL CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL,
      next_attempt_at timestamptz,
      last_error text,
      log jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL,
      delivered_at timestamptz,
      claimed_at timestamptz
    )`);
    await q.query(`CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query('CREATE INDEX alert_deliveries_channel_idx ON alert_deliveries (channel_id, created_at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE alert_deliveries');
    await q.query('DROP TABLE alert_channels');
    await q.query('DROP TABLE alerts');
  }
}
