import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, groups, login sessions with rotating refresh tokens, API tokens and the audit log. */
export class Users1763773555000 implements MigrationInterface {
  name = 'Users1763773555000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE groups (
      id uuid PRIMARY KEY,
      name varchar(32) NOT NULL UNIQUE,
      gid integer NOT NULL UNIQUE CHECK (gid BETWEEN 1000 AND 60000),
      description varchar(200),
      host_status varchar(10) NOT NULL CHECK (host_status IN ('synced', 'pending', 'none')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE users (
      id uuid PRIMARY KEY,
      username varchar(32) NOT NULL UNIQUE,
      full_name varchar(100),
      email varchar(254),
      uid integer UNIQUE CHECK (uid BETWEEN 1000 AND 60000),
      primary_group_id uuid REFERENCES groups (id) ON DELETE RESTRICT,
      shell varchar(64) NOT NULL,
      home_dir varchar(1024),
      smb_enabled boolean NOT NULL,
      ftp_enabled boolean NOT NULL,
      role varchar(10) NOT NULL CHECK (role IN ('admin', 'operator', 'viewer', 'none')),
      disabled boolean NOT NULL DEFAULT false,
      built_in boolean NOT NULL DEFAULT false,
      password_hash text NOT NULL,
      nt_hash char(32),
      unix_hash text,
      must_change_password boolean NOT NULL DEFAULT false,
      token_version integer NOT NULL DEFAULT 0,
      totp_secret text,
      totp_pending_secret text,
      totp_last_step bigint,
      host_status varchar(10) NOT NULL CHECK (host_status IN ('synced', 'pending', 'none')),
      password_changed_at timestamptz,
      last_login_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (built_in OR uid IS NOT NULL)
    )`);
    await q.query('CREATE INDEX users_primary_group_idx ON users (primary_group_id)');
    await q.query(`CREATE TABLE user_groups (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
      PRIMARY KEY (user_id, group_id)
    )`);
    await q.query('CREATE INDEX user_groups_group_idx ON user_groups (group_id)');

    await q.query(`CREATE TABLE auth_sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      token_version integer NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason varchar(32),
      ip varchar(64),
      user_agent varchar(300)
    )`);
    await q.query('CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id)');
    await q.query(`CREATE TABLE refresh_tokens (
      id uuid PRIMARY KEY,
      session_id uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
      token_hash char(64) NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`);
    await q.query('CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id)');

    await q.query(`CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name varchar(100) NOT NULL,
      role varchar(10) NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
      token_hash char(64) NOT NULL UNIQUE,
      prefix varchar(16) NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`);
    await q.query('CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)');

    await q.query(`CREATE TABLE audit_log (
      id uuid PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_name varchar(64),
      auth_method varchar(10) NOT NULL,
      session_id uuid,
      token_id uuid,
      source_ip varchar(64),
      request_id varchar(128) NOT NULL,
      action varchar(100) NOT NULL,
      method varchar(10) NOT NULL,
      path varchar(500) NOT NULL,
      target varchar(200),
      before jsonb,
      after jsonb,
      result varchar(10) NOT NULL,
      status integer NOT NULL,
      message text
    )`);
    await q.query('CREATE INDEX audit_log_at_idx ON audit_log (at DESC)');
    await q.query('CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, at DESC)');
    await q.query('CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'api_tokens', 'refresh_tokens', 'auth_sessions', 'user_groups', 'users', 'groups']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
