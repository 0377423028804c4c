import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** Raised when the environment is wrong; main prints its one-line message and exits non-zero. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable}: ${message}`);
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const postgresUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'postgres:' || u.protocol === 'postgresql:';
    } catch {
      return false;
    }
  }, 'must be a postgres:// or postgresql:// URL');

const redisUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'redis:' || u.protocol === 'rediss:';
  } catch {
    return false;
  }
}, 'must be a redis:// or rediss:// URL');

/** Every environment variable the app reads, with its default. README's table mirrors this. */
const schema = z.object({
  PORT: port.default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  MOXNAS_DATA_DIR: z.string().min(1).default('./.moxnas/data'),
  MOXNAS_ETC_ROOT: z.string().min(1).default('./.moxnas/etc'),
  MOXNAS_WEB_ROOT: z.string().min(1).default('./dist/web'),
  MOXNAS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MOXNAS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  MOXNAS_CORS_ORIGINS: z.string().default(''),
  MOXNAS_BODY_LIMIT: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  MOXNAS_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  MOXNAS_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  MOXNAS_ACCESS_TOKEN_TTL: z.coerce.number().int().min(60).max(24 * 3600).default(15 * 60),
  MOXNAS_REFRESH_TOKEN_TTL: z.coerce.number().int().min(300).max(90 * 24 * 3600).default(7 * 24 * 3600),
  MOXNAS_HOST_ACCOUNTS: z.enum(['auto', 'off']).default('auto'),
  MOXNAS_TRUST_PROXY: z.string().default('false'),
  MOXNAS_SWAGGER: bool.default(true),
  MOXNAS_DRIFT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  MOXNAS_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_.-]{1,100}$/, 'letters, digits and :_.- only').default('moxnas:'),
});

export type AppConfig = {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string; poolSize: number };
  redisUrl: string | undefined;
  redisPrefix: string;
  dataDir: string;
  etcRoot: string;
  webRoot: string;
  logLevel: z.infer<typeof schema>['MOXNAS_LOG_LEVEL'];
  corsOrigins: string[];
  bodyLimit: number;
  jwtSecret: string | undefined;
  adminPassword: string | undefined;
  /** Access JWT and refresh-token lifetimes, in seconds. */
  auth: { accessTokenTtl: number; refreshTokenTtl: number };
  /** `off` keeps users in the database only (no Linux/Samba/FTP accounts), as when not root. */
  hostAccounts: 'auto' | 'off';
  /**
   * Proxies whose `X-Forwarded-*` headers are believed (Fastify `trustProxy`): false, or addresses /
   * CIDRs. Never `true`, which would let any client name its own address in `X-Forwarded-For`.
   */
  trustProxy: false | string[];
  swagger: boolean;
  version: string;
  /** Seconds between drift checks of the managed config files. */
  driftIntervalSeconds: number;
  /**
   * `server` runs background work (daemon supervision, drift checks, reconcile at start); the CLI
   * builds the same application as `cli`, which never starts daemons.
   */
  role: 'server' | 'cli';
};

/** Parses the environment once at boot; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  // Empty strings mean "unset", as in most shells' env files.
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, `${issue.message} (got ${JSON.stringify(input[variable] ?? '')})`);
  }
  const e = parsed.data;
  const abs = (p: string) => path.resolve(cwd, p);
  const dataDir = abs(e.MOXNAS_DATA_DIR);
  const corsOrigins = e.MOXNAS_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin)) {
      throw new ConfigError('MOXNAS_CORS_ORIGINS', `"${origin}" is not an origin like https://nas.example:8443`);
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.MOXNAS_DB_POOL_SIZE }
      : { kind: 'embedded', dataDir: path.join(dataDir, 'pglite'), poolSize: e.MOXNAS_DB_POOL_SIZE },
    redisUrl: e.REDIS_URL,
    redisPrefix: e.MOXNAS_REDIS_PREFIX,
    dataDir,
    etcRoot: abs(e.MOXNAS_ETC_ROOT),
    webRoot: abs(e.MOXNAS_WEB_ROOT),
    logLevel: e.MOXNAS_LOG_LEVEL,
    corsOrigins,
    bodyLimit: e.MOXNAS_BODY_LIMIT,
    jwtSecret: e.MOXNAS_JWT_SECRET,
    adminPassword: e.MOXNAS_ADMIN_PASSWORD,
    auth: { accessTokenTtl: e.MOXNAS_ACCESS_TOKEN_TTL, refreshTokenTtl: e.MOXNAS_REFRESH_TOKEN_TTL },
    hostAccounts: e.MOXNAS_HOST_ACCOUNTS,
    trustProxy: trustedProxies(e.MOXNAS_TRUST_PROXY),
    swagger: e.MOXNAS_SWAGGER,
    version: appVersion(),
    driftIntervalSeconds: e.MOXNAS_DRIFT_INTERVAL_SECONDS,
    role: 'server',
  };
}

/** The loopback addresses: the shipped nginx runs in the same container and connects from here. */
export const LOOPBACK_PROXIES = ['127.0.0.0/8', '::1/128'];

/**
 * `MOXNAS_TRUST_PROXY`: `0`/`false` trusts no proxy; `1`/`true` trusts the local proxy only (the
 * loopback addresses); otherwise a comma-separated list of proxy addresses or CIDRs.
 */
function trustedProxies(value: string): false | string[] {
  const v = value.trim().toLowerCase();
  if (v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return LOOPBACK_PROXIES;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of list) {
    const [address, bits, ...rest] = item.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (!family || rest.length || !validBits) {
      throw new ConfigError('MOXNAS_TRUST_PROXY', `"${item}" is not an IP address or CIDR (use 1 for the local proxy, 0 for none, or a list like 127.0.0.1,10.0.0.5/32)`);
    }
  }
  if (!list.length) throw new ConfigError('MOXNAS_TRUST_PROXY', 'is empty (use 1 for the local proxy, 0 for none, or a list of addresses)');
  return list;
}

function appVersion(): string {
  try {
    // Resolved relative to the repo root both from src (ts-jest) and from dist.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.resolve(__dirname, findRoot(__dirname), 'package.json')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function findRoot(dir: string): string {
  let d = dir;
  for (let i = 0; i < 8; i++) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pkg = require(path.join(d, 'package.json')) as { name?: string };
      if (pkg.name === 'moxnas') return d;
    } catch {
      /* keep walking up */
    }
    d = path.dirname(d);
  }
  return dir;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
