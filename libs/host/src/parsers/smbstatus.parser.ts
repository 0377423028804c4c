import { z } from 'zod';
import { ParseError } from './parse-error';

/** Encryption or signing state of a session or tree connect; `cipher` is null when none is used. */
export interface SmbCrypto {
  cipher: string | null;
  degree: string;
}

export interface SmbSession {
  sessionId: string;
  /** The smbd child serving this client. */
  pid: number;
  uid: number;
  gid: number;
  username: string;
  groupname: string;
  remoteMachine: string;
  /** Transport address as Samba reports it, for example `ipv4:127.0.0.1:57912`. */
  hostname: string;
  dialect: string;
  encryption: SmbCrypto;
  signing: SmbCrypto;
}

export interface SmbTreeConnect {
  tconId: string;
  sessionId: string;
  /** Share name (`IPC$` for the IPC pipe). */
  service: string;
  pid: number;
  machine: string;
  /** ISO 8601 as printed by Samba. */
  connectedAt: string;
  encryption: SmbCrypto;
  signing: SmbCrypto;
}

export interface SmbOpen {
  pid: number;
  uid: number;
  shareFileId: string;
  /** Share mode letters, for example `RW`, `RWD`. */
  shareMode: string;
  /** Access letters, for example `R`, `RW`. */
  access: string;
  oplock: string;
  lease: string;
  openedAt: string;
}

export interface SmbOpenFile {
  /** Absolute path on this host. */
  path: string;
  servicePath: string;
  filename: string;
  opens: SmbOpen[];
}

export interface SmbStatus {
  version: string;
  timestamp: string;
  sessions: SmbSession[];
  tcons: SmbTreeConnect[];
  openFiles: SmbOpenFile[];
}

// Samba prints ids as strings and some counters as numbers; accept either.
const num = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const str = z.union([z.string(), z.number().transform(String)]);
const serverId = z.object({ pid: num });
const crypto = z
  .object({ cipher: z.string().optional(), degree: z.string().optional() })
  .optional()
  .transform((c): SmbCrypto => ({ cipher: !c?.cipher || c.cipher === '-' ? null : c.cipher, degree: c?.degree ?? 'none' }));
const flagText = z.object({ text: z.string().optional() }).partial().optional();

const session = z.object({
  session_id: str,
  server_id: serverId,
  uid: num,
  gid: num,
  username: z.string(),
  groupname: z.string(),
  remote_machine: z.string(),
  hostname: z.string(),
  session_dialect: z.string(),
  encryption: crypto,
  signing: crypto,
});

const tcon = z.object({
  tcon_id: str,
  session_id: str,
  service: z.string(),
  server_id: serverId,
  machine: z.string(),
  connected_at: z.string(),
  encryption: crypto,
  signing: crypto,
});

const open = z.object({
  server_id: serverId,
  uid: num,
  share_file_id: str,
  sharemode: flagText,
  access_mask: flagText,
  oplock: flagText,
  lease: flagText,
  opened_at: z.string(),
});

const openFile = z.object({
  service_path: z.string(),
  filename: z.string(),
  opens: z.record(z.string(), open).default({}),
});

const document = z.object({
  version: z.string(),
  timestamp: z.string(),
  sessions: z.record(z.string(), session).default({}),
  tcons: z.record(z.string(), tcon).default({}),
  open_files: z.record(z.string(), openFile).default({}),
});

/** Parses `smbstatus --json` (Samba 4.16+). */
export function parseSmbStatusJson(text: string): SmbStatus {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ParseError('smbstatus --json', `not JSON: ${(err as Error).message}`);
  }
  const parsed = document.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ParseError('smbstatus --json', `${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  const d = parsed.data;
  return {
    version: d.version,
    timestamp: d.timestamp,
    sessions: Object.values(d.sessions).map((s) => ({
      sessionId: s.session_id,
      pid: s.server_id.pid,
      uid: s.uid,
      gid: s.gid,
      username: s.username,
      groupname: s.groupname,
      remoteMachine: s.remote_machine,
      hostname: s.hostname,
      dialect: s.session_dialect,
      encryption: s.encryption,
      signing: s.signing,
    })),
    tcons: Object.values(d.tcons).map((t) => ({
      tconId: t.tcon_id,
      sessionId: t.session_id,
      service: t.service,
      pid: t.server_id.pid,
      machine: t.machine,
      connectedAt: t.connected_at,
      encryption: t.encryption,
      signing: t.signing,
    })),
    openFiles: Object.entries(d.open_files).map(([path, f]) => ({
      path,
      servicePath: f.service_path,
      filename: f.filename,
      opens: Object.values(f.opens).map((o) => ({
        pid: o.server_id.pid,
        uid: o.uid,
        shareFileId: o.share_file_id,
        shareMode: o.sharemode?.text ?? '',
        access: o.access_mask?.text ?? '',
        oplock: o.oplock?.text ?? '',
        lease: o.lease?.text ?? '',
        openedAt: o.opened_at,
      })),
    })),
  };
}
