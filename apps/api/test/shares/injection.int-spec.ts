import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import {
  AbsolutePath,
  ExportComment,
  FtpShareCreate,
  ftpSharesApi,
  HostAccessEntry,
  nfsSharesApi,
  NfsClientSpec,
  NfsShareCreate,
  OctalMask,
  PosixGroupName,
  PosixUserName,
  RelativePath,
  ShareComment,
  sharesApi,
  SizeWithUnit,
  SmbShareCreate,
  SmbShareName,
  smbSharesApi,
  type EndpointDef,
  type ErrorResponse,
  type Pool,
} from '@moxnas/contracts';
import { hostPaths } from '../../src/core/config/host-paths';
import type { InjectResult, TestApp } from '../support/test-app';
import { adminToken, createUser, startUsersApp, uniqueName } from '../users/users-kit';
import { treeDifference, treeSnapshot } from './shares-kit';

/**
 * Hostile input against every share mutation. The cases are generated from the contract: every
 * mutating endpoint of the shares groups, and for each body every leaf of its zod object shape
 * (list elements and nested objects included), so a field added to the contract is attacked
 * without touching this file. Expectations:
 *   - the answer is a 4xx (never a 5xx, never a success), and a 422 names the attacked field;
 *   - every file under the app's etc root (smb.conf, exports, vsftpd.conf and its per-user files)
 *     is byte-identical afterwards, so no section or parameter appeared;
 *   - the share lists are unchanged and nothing was created outside the pool.
 * Import answers a report rather than an error: there the expectation is "nothing created, nothing
 * written", whatever the status below 500.
 */

// ---------------------------------------------------------------------------------------------
// The corpus
// ---------------------------------------------------------------------------------------------

type Kind = 'path' | 'relpath' | 'shareName' | 'user' | 'group' | 'host' | 'nfsClient' | 'mask' | 'size' | 'freeText' | 'string' | 'enum' | 'boolean' | 'number';

interface Payload {
  label: string;
  value: unknown;
  /** Field kinds where the value is legitimate (a directory may well be called "x, root"). */
  legitFor?: Kind[];
}

/** Dangerous in any field that reaches a config file: no field may accept them. */
const ALWAYS: Payload[] = [
  { label: 'newline + include', value: 'ok\ninclude = /etc/x' },
  { label: 'newline + section', value: 'ok\n[evil]\n\tpath = /' },
  { label: 'newline + root preexec', value: 'ok\n\troot preexec = /bin/sh -c id' },
  { label: 'CR + root preexec', value: 'ok\rroot preexec = /bin/sh' },
  { label: 'CRLF + include', value: 'ok\r\ninclude = /etc/x' },
  { label: 'NUL', value: 'ok\u0000include = /etc/x' },
  { label: 'lone NUL', value: '\u0000' },
  { label: 'backslash-newline', value: 'ok\\\ninclude = /etc/x' },
  { label: 'trailing backslash', value: 'ok\\' },
  { label: 'vertical tab / form feed', value: 'ok\u000b\u000cx' },
  { label: 'NEL (U+0085)', value: 'ok\u0085include = /etc/x' },
  { label: 'line separator (U+2028)', value: 'ok\u2028include = /etc/x' },
  { label: '%u macro', value: 'ok%u' },
  { label: '%S macro', value: '%S' },
  { label: '%m in the middle', value: 'a%mb' },
  { label: 'open bracket section', value: '[evil]' },
  { label: 'close bracket', value: 'ok]' },
  { label: 'bidi override (U+202E)', value: 'ok\u202eexe.txt' },
  { label: 'bidi isolate (U+2066)', value: '\u2066ok\u2069' },
  { label: 'zero-width space', value: 'o\u200bk' },
  { label: 'BOM', value: '\ufeffok' },
  { label: '64 KiB', value: 'a'.repeat(64 * 1024) },
  { label: '64 KiB of newlines', value: `${'x\n'.repeat(32 * 1024)}` },
];

/**
 * Harmless inside free text (a comment may say "include = /etc/x"), dangerous anywhere a value is
 * structured: names, paths, user and host lists, masks.
 */
const STRUCTURED: Payload[] = [
  { label: 'include parameter', value: 'include = /etc/x', legitFor: ['relpath'] },
  { label: 'root preexec parameter', value: 'root preexec = /bin/sh', legitFor: ['relpath'] },
  { label: '../', value: '../' },
  { label: '../../etc/passwd', value: '../../etc/passwd' },
  { label: 'list separator comma', value: 'x, root', legitFor: ['relpath'] },
  { label: 'list separator space', value: 'x root', legitFor: ['relpath', 'shareName'] },
  { label: 'nfs option injection', value: '*(rw,no_root_squash)', legitFor: ['relpath'] },
  { label: 'full-width brackets', value: '\uff3bevil\uff3d' },
  { label: 'full-width percent', value: 'ok\uff05u' },
  { label: 'empty', value: '' },
  { label: 'leading space', value: ' ok' },
];

/** Per field kind: values that pass a naive grammar but must still be refused. */
function contextual(kind: Kind, ctx: Context, field: string): Payload[] {
  switch (kind) {
    case 'path':
      return [
        { label: 'absolute path outside the pool (/etc)', value: '/etc' },
        { label: 'the outside scratch dir', value: ctx.outside },
        { label: 'the pool’s parent', value: path.dirname(ctx.pool) },
        { label: 'sibling with the pool as a name prefix', value: ctx.sibling },
        { label: 'symlink inside the pool to outside', value: path.join(ctx.pool, 'escape') },
        { label: 'below a symlink that leaves the pool', value: path.join(ctx.pool, 'escape', 'inner') },
        { label: 'symlink to the pool’s parent', value: path.join(ctx.pool, 'up') },
        { label: 'dot-dot out of the pool', value: `${ctx.pool}/ok/../../etc` },
        { label: 'double slash', value: `${ctx.pool}//ok` },
        { label: 'trailing slash', value: `${ctx.pool}/ok/` },
        { label: 'relative', value: 'ok' },
        { label: 'full-width solidus', value: `${ctx.pool}\uff0f..\uff0fetc` },
        { label: 'root', value: '/' },
      ];
    case 'relpath':
      return [
        { label: 'dot-dot', value: '..' },
        { label: 'dot-dot out', value: '../../../etc' },
        { label: 'absolute', value: '/etc' },
        { label: 'dot-dot inside', value: '.recycle/../../x' },
      ];
    case 'shareName':
      return [
        { label: 'reserved global', value: 'global' },
        { label: 'reserved GLOBAL', value: 'GLOBAL' },
        { label: 'reserved homes', value: 'Homes' },
        { label: 'reserved printers', value: 'printers' },
        { label: 'reserved ipc$', value: 'IPC$' },
        { label: 'full-width global', value: '\uff47lobal' },
        { label: 'equals', value: 'a = b' },
        { label: 'semicolon', value: 'a;b' },
      ];
    case 'user':
    case 'group':
      // createDirectory.owner/group name a host account for a chown, not a MoxNAS member list.
      if (field.startsWith('createDirectory')) return [{ label: 'samba group syntax', value: '@wheel' }];
      return [
        { label: 'samba group syntax @', value: '@wheel' },
        { label: 'samba group syntax +', value: '+users' },
        { label: 'samba group syntax &', value: '&users' },
        { label: 'root (not a MoxNAS account)', value: 'root' },
        { label: 'account that does not exist', value: `nosuch${ctx.tag}` },
        { label: 'upper case', value: 'Alice' },
      ];
    case 'host':
      return [
        { label: 'EXCEPT', value: 'EXCEPT' },
        { label: 'expression with EXCEPT', value: '10.0.0.0/8 EXCEPT 10.0.0.1' },
        { label: 'two hosts in one entry', value: '10.0.0.1,10.0.0.2' },
        { label: 'netmask form', value: '10.0.0.0/255.0.0.0' },
        { label: 'leading zeros', value: '010.0.0.1' },
      ];
    case 'nfsClient':
      return [
        { label: 'options glued to a host', value: '10.0.0.1(rw,no_root_squash)' },
        { label: 'second client after a space', value: '10.0.0.1 *(rw,no_root_squash)' },
        { label: 'digit wildcard', value: '10.0.0.*' },
        { label: 'option-looking', value: '-o' },
        { label: 'two hosts with a comma', value: '10.0.0.1,10.0.0.2' },
      ];
    case 'mask':
      return [
        { label: 'not octal', value: '0999' },
        { label: 'js octal', value: '0o777' },
        { label: 'negative', value: '-1' },
        { label: 'trailing space', value: '0775 ' },
      ];
    case 'size':
      return [
        { label: 'negative', value: '-1G' },
        { label: 'unknown unit', value: '1E' },
        { label: 'spaces', value: '500 G' },
      ];
    case 'enum':
      return [{ label: 'upper case', value: 'RW' }];
    default:
      return [];
  }
}

/** Wrong types: a field that is not a string gets strings, objects and the like. */
const TYPE_CONFUSION: Payload[] = [
  { label: 'string for a non-string', value: 'yes\n[evil]' },
  { label: 'object', value: { toString: 'x' } },
  { label: 'array', value: ['ok\ninclude = /etc/x'] },
];
const NUMBER_ABUSE: Payload[] = [
  { label: 'negative', value: -1 },
  { label: 'fraction', value: 1.5 },
  { label: 'beyond int32', value: 2 ** 32 },
  { label: 'numeric string with newline', value: '1\n' },
];

// ---------------------------------------------------------------------------------------------
// Walking the zod shapes
// ---------------------------------------------------------------------------------------------

interface Leaf {
  /** Dotted path segments; a number means "element of a list". */
  path: Array<string | number>;
  kind: Kind;
}

const KIND_OF: Array<[z.ZodType, Kind]> = [
  [AbsolutePath, 'path'],
  [RelativePath, 'relpath'],
  [SmbShareName, 'shareName'],
  [PosixUserName, 'user'],
  [PosixGroupName, 'group'],
  [HostAccessEntry, 'host'],
  [NfsClientSpec, 'nfsClient'],
  [OctalMask, 'mask'],
  [SizeWithUnit, 'size'],
  [ShareComment, 'freeText'],
  [ExportComment, 'freeText'],
];

interface DefLike {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  checks?: unknown[];
}
const defOf = (s: z.ZodType): DefLike => (s as unknown as { def: DefLike }).def;

/** `.describe()` clones a schema but keeps its refinement, so the first check identifies a grammar. */
function stringKind(s: z.ZodType): Kind {
  const first = defOf(s).checks?.[0];
  const hit = KIND_OF.find(([g]) => first !== undefined && defOf(g).checks?.[0] === first);
  return hit ? hit[1] : 'string';
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const d = defOf(cur);
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional'].includes(d.type) && d.innerType) cur = d.innerType;
    else if (d.type === 'pipe' && d.in) cur = d.in;
    else return cur;
  }
}

export function leaves(schema: z.ZodType, prefix: Array<string | number> = []): Leaf[] {
  const s = unwrap(schema);
  const d = defOf(s);
  switch (d.type) {
    case 'object': {
      const shape = (s as z.ZodObject).shape as Record<string, z.ZodType>;
      return Object.entries(shape).flatMap(([key, child]) => leaves(child, [...prefix, key]));
    }
    case 'array':
      return leaves(d.element as z.ZodType, [...prefix, 0]);
    case 'string':
      return [{ path: prefix, kind: stringKind(s) }];
    case 'enum':
    case 'literal':
      return [{ path: prefix, kind: 'enum' }];
    case 'boolean':
      return [{ path: prefix, kind: 'boolean' }];
    case 'number':
      return [{ path: prefix, kind: 'number' }];
    default:
      throw new Error(`the injection walker does not know zod type "${d.type}" at ${prefix.join('.') || '(root)'}: teach it`);
  }
}

type Json = Record<string, unknown>;

/** A valid element for lists of objects, so a case attacks one field of an otherwise valid element. */
const SAMPLES: Json = { clients: { host: '10.0.0.0/24', access: 'rw' } };

/**
 * The base body with `value` at `at`. A list element replaces the whole list with a one-element
 * list; a missing or null parent object is created (the schemas' defaults fill the rest).
 */
export function withValue(base: Json, at: Array<string | number>, value: unknown, samples: Json = {}): Json {
  const body = structuredClone(base);
  let cur: Record<string | number, unknown> = body;
  for (let i = 0; i < at.length; i++) {
    const key = at[i];
    const last = i === at.length - 1;
    const next = at[i + 1];
    if (last) {
      cur[key] = value;
      return body;
    }
    if (typeof next === 'number') {
      const existing = cur[key];
      const first = Array.isArray(existing) && existing.length > 0 ? existing[0] : (samples[String(key)] ?? {});
      // A list of scalars: [value]; a list of objects: [first element with the field replaced].
      if (i + 1 === at.length - 1) {
        cur[key] = [value];
        return body;
      }
      cur[key] = [structuredClone(first)];
      cur = cur[key] as unknown as Record<string | number, unknown>;
      continue;
    }
    if (cur[key] === null || typeof cur[key] !== 'object') cur[key] = {};
    cur = cur[key] as Record<string | number, unknown>;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

interface Context {
  tag: string;
  pool: string;
  outside: string;
  sibling: string;
}

type Protocol = 'smb' | 'nfs' | 'ftp' | 'import';

interface Target {
  endpoint: EndpointDef;
  protocol: Protocol;
  url: string;
  /** A valid body; each case changes one field of it. */
  base: () => Json;
}

const ENDPOINT_PROTOCOL: Record<string, Protocol> = {
  'shares.smb.create': 'smb',
  'shares.smb.update': 'smb',
  'shares.nfs.create': 'nfs',
  'shares.nfs.update': 'nfs',
  'shares.ftp.create': 'ftp',
  'shares.ftp.update': 'ftp',
  'shares.import': 'import',
};

const SHARE_ENDPOINTS: EndpointDef[] = [...Object.values(smbSharesApi), ...Object.values(nfsSharesApi), ...Object.values(ftpSharesApi), ...Object.values(sharesApi)];
const MUTATING = SHARE_ENDPOINTS.filter((e) => e.method !== 'GET' && e.body !== undefined);

const sections = (conf: Buffer | undefined) => [...(conf?.toString('utf8') ?? '').matchAll(/^\s*\[([^\]\n]*)\]/gm)].map((m) => m[1]);

describe('shares: hostile input on every field of every mutation', () => {
  let app: TestApp;
  let token: string;
  let root: string;
  let ctx: Context;
  let etcRoot: string;
  let smbConfPath: string;
  const ids: Partial<Record<'smb' | 'nfs' | 'ftp', string>> = {};
  const tried: Record<string, number> = {};

  const api = <T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<InjectResult<T>> =>
    app.request<T>({ method, url, token, ...(body !== undefined ? { body } : {}) });

  async function listState(): Promise<string> {
    const parts: string[] = [];
    for (const p of ['smb', 'nfs', 'ftp']) {
      const res = await api<{ items: Array<Record<string, unknown>>; total: number }>('GET', `/api/shares/${p}?pageSize=500`);
      parts.push(res.status === 200 ? JSON.stringify(res.body.items.map((s) => [s['id'], s['updatedAt']])) : `${p}: ${res.status}`);
    }
    return parts.join('\n');
  }

  beforeAll(async () => {
    app = await startUsersApp();
    token = await adminToken(app);
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'moxnas-inj-')));
    const tag = uniqueName('').slice(0, 6);
    const pool = path.join(root, 'pool');
    ctx = { tag, pool, outside: path.join(root, 'outside'), sibling: `${pool}x` };
    for (const d of [pool, ctx.outside, ctx.sibling, path.join(pool, 'ok'), path.join(pool, 'nfsnew'), path.join(pool, 'ftpnew')]) await fs.mkdir(d, { recursive: true });
    await fs.symlink(ctx.outside, path.join(pool, 'escape'));
    await fs.symlink('..', path.join(pool, 'up'));
    const res = await api<Pool>('POST', '/api/storage/pools', { name: uniqueName('inj'), path: pool });
    if (res.status !== 201) throw new Error(`pool: ${res.status} ${res.text}`);
    // A MoxNAS user and group (database only: host accounts are off) so valid lists have members.
    await createUser(app, token, { username: `inj${tag}`, ftpEnabled: true });
    etcRoot = app.config.etcRoot;
    smbConfPath = hostPaths(app.config).smbConf;
  });

  afterAll(async () => {
    await app?.close();
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  /** Creates the share the update cases patch (once per protocol). */
  async function existing(protocol: 'smb' | 'nfs' | 'ftp'): Promise<string> {
    if (ids[protocol]) return ids[protocol];
    const bodies = {
      smb: { name: `base${ctx.tag}`, path: path.join(ctx.pool, 'ok'), comment: 'the base share', validUsers: [`inj${ctx.tag}`] },
      nfs: { path: path.join(ctx.pool, 'ok'), clients: [{ host: '10.0.0.0/24', access: 'rw' }], comment: 'the base export' },
      ftp: { name: 'the base ftp share', path: path.join(ctx.pool, 'ok'), allowedUsers: [`inj${ctx.tag}`], writeEnable: true },
    };
    const res = await api<{ share: { id: string } }>('POST', `/api/shares/${protocol}`, bodies[protocol]);
    if (res.status !== 201) throw new Error(`the ${protocol} share the update cases patch could not be created: ${res.status} ${res.text}`);
    ids[protocol] = res.body.share.id;
    return res.body.share.id;
  }

  let counter = 0;
  function targetFor(e: EndpointDef): Target {
    const protocol = ENDPOINT_PROTOCOL[e.id];
    if (!protocol) throw new Error(`${e.id} mutates shares but has no base body in this test: add one so its fields are attacked`);
    const n = () => `${ctx.tag}n${counter++}`;
    const bases: Record<string, () => Json> = {
      'shares.smb.create': () => ({ name: `c${n()}`, path: path.join(ctx.pool, 'ok') }),
      'shares.smb.update': () => ({}),
      'shares.nfs.create': () => ({ path: path.join(ctx.pool, 'nfsnew'), clients: [{ host: '10.0.0.0/24', access: 'rw' }] }),
      'shares.nfs.update': () => ({}),
      'shares.ftp.create': () => ({ name: `ftp ${n()}`, path: path.join(ctx.pool, 'ftpnew') }),
      'shares.ftp.update': () => ({}),
      'shares.import': () => ({ source: 'upload', smbConf: '# nothing to import\n' }),
    };
    return { endpoint: e, protocol, url: e.path, base: bases[e.id] };
  }

  function casesFor(target: Target): Array<{ field: string; label: string; body: Json }> {
    const out: Array<{ field: string; label: string; body: Json }> = [];
    for (const leaf of leaves(target.endpoint.body as z.ZodType)) {
      const field = leaf.path.join('.');
      let payloads: Payload[];
      if (leaf.kind === 'boolean') payloads = [...TYPE_CONFUSION, { label: 'string yes', value: 'yes' }];
      else if (leaf.kind === 'number') payloads = [...TYPE_CONFUSION, ...NUMBER_ABUSE];
      else if (leaf.kind === 'freeText') payloads = [...ALWAYS, ...TYPE_CONFUSION];
      else {
        const structured = leaf.kind === 'string' ? [] : STRUCTURED.filter((p) => !p.legitFor?.includes(leaf.kind));
        payloads = [...ALWAYS, ...structured, ...contextual(leaf.kind, ctx, field), ...TYPE_CONFUSION];
      }
      // The `upload` texts of import are whole files: covered by the import test below.
      if (target.protocol === 'import' && leaf.kind === 'string') payloads = [{ label: '2 MiB', value: 'x'.repeat(2 * 1024 * 1024) }, ...TYPE_CONFUSION];
      for (const p of payloads) out.push({ field, label: p.label, body: withValue(target.base(), leaf.path, p.value, SAMPLES) });
      if (leaf.kind === 'path') {
        // The same escapes with "create the directory": nothing may be made outside the pool.
        for (const p of contextual('path', ctx, field)) {
          out.push({ field, label: `${p.label} + createDirectory`, body: { ...withValue(target.base(), leaf.path, p.value, SAMPLES), createDirectory: {} } });
        }
      }
    }
    return out;
  }

  async function attack(protocol: 'smb' | 'nfs' | 'ftp'): Promise<string[]> {
    const failures: string[] = [];
    const id = await existing(protocol);
    let files = await treeSnapshot(etcRoot);
    let outside = await treeSnapshot(path.dirname(ctx.pool));
    let lists = await listState();
    const baseSections = sections(files.get(smbConfPath));
    for (const e of MUTATING.filter((m) => ENDPOINT_PROTOCOL[m.id] === protocol)) {
      const target = targetFor(e);
      const url = target.url.replace('{id}', id);
      for (const c of casesFor(target)) {
        tried[e.id] = (tried[e.id] ?? 0) + 1;
        const res = await api<ErrorResponse>(e.method as 'POST' | 'PATCH', url, c.body);
        const where = `${e.id} ${c.field} = ${c.label}`;
        if (res.status >= 500) failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
        else if (res.status < 400) failures.push(`${where}: accepted with ${res.status}`);
        else if (res.status === 422) {
          const top = c.field.split('.')[0];
          const named = (res.body.errors ?? []).some((er) => er.field === top || er.field.startsWith(`${top}.`));
          if (!named) failures.push(`${where}: 422 does not name ${top}: ${JSON.stringify(res.body.errors)}`);
        }
        const filesAfter = await treeSnapshot(etcRoot);
        const changed = treeDifference(files, filesAfter);
        const newSections = sections(filesAfter.get(smbConfPath)).filter((s) => !baseSections.includes(s));
        if (changed.length > 0) failures.push(`${where}: config files changed (${changed.join(', ')})${newSections.length ? `; new sections ${JSON.stringify(newSections)}` : ''}`);
        const outsideAfter = await treeSnapshot(path.dirname(ctx.pool));
        const made = treeDifference(outside, outsideAfter);
        if (made.length > 0) failures.push(`${where}: the file system around the pool changed (${made.join(', ')})`);
        const listsAfter = await listState();
        if (listsAfter !== lists) failures.push(`${where}: the share lists changed`);
        if (res.status < 400) {
          // Undo what a wrongly accepted case did, so the next case is judged on its own.
          const created = (res.body as unknown as { share?: { id?: string } }).share?.id;
          if (e.method === 'POST' && created) await api('DELETE', `/api/shares/${protocol}/${created}`);
          files = await treeSnapshot(etcRoot);
          outside = outsideAfter;
          lists = await listState();
        }
        if (failures.length > 200) return failures;
      }
    }
    return failures;
  }

  it('covers every mutating share endpoint of the contract, and every field of each body', () => {
    expect(MUTATING.map((e) => e.id).sort()).toEqual(Object.keys(ENDPOINT_PROTOCOL).sort());
    for (const e of MUTATING) {
      const cases = casesFor(targetFor(e));
      const attacked = new Set(cases.map((c) => c.field.split('.')[0]));
      const shape = Object.keys((unwrap(e.body as z.ZodType) as z.ZodObject).shape);
      expect({ id: e.id, attacked: [...attacked].sort() }).toEqual({ id: e.id, attacked: shape.sort() });
      // Every case changes exactly the field it attacks: the rest of the body is the valid base.
      for (const c of cases) expect(Object.keys(c.body)).toEqual(expect.arrayContaining([c.field.split('.')[0]]));
    }
  });

  it.each(['smb', 'nfs', 'ftp'] as const)('%s: every field refuses every hostile value, and nothing reaches the disk', async (protocol) => {
    const failures = await attack(protocol);
    const count = Object.entries(tried).filter(([k]) => k.includes(`.${protocol}.`)).reduce((a, [, v]) => a + v, 0);
    console.log(`injection corpus (${protocol}): ${count} inputs tried`);
    expect(failures).toEqual([]);
  }, 600_000);

  type ImportReport = { created?: Record<string, number> } & Partial<Record<'smb' | 'nfs' | 'ftp', Array<{ share: Json; errors: unknown[] }>>>;

  async function shareIds(): Promise<Record<'smb' | 'nfs' | 'ftp', string[]>> {
    const out = { smb: [] as string[], nfs: [] as string[], ftp: [] as string[] };
    for (const p of ['smb', 'nfs', 'ftp'] as const) {
      const res = await api<{ items: Array<{ id: string }> }>('GET', `/api/shares/${p}?pageSize=500`);
      out[p] = res.status === 200 ? res.body.items.map((i) => i.id) : [];
    }
    return out;
  }

  /** Why a proposal the import would create is not acceptable, or undefined when it is. */
  async function creatableProblem(protocol: 'smb' | 'nfs' | 'ftp', share: Json): Promise<string | undefined> {
    const schema: z.ZodType = { smb: SmbShareCreate, nfs: NfsShareCreate, ftp: FtpShareCreate }[protocol];
    const parsed = schema.safeParse(share);
    if (!parsed.success) return `the contract refuses (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`;
    const strings: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(share);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const hostile = strings.find((v) => /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff%[\]\\]/.test(v));
    if (hostile !== undefined) return `carrying hostile characters (${JSON.stringify(hostile.slice(0, 60))})`;
    // Resolved like the server must: a symlink inside the pool may lead out of it.
    const where = await fs.realpath(String(share['path'])).catch(() => String(share['path']));
    if (where !== ctx.pool && !where.startsWith(`${ctx.pool}/`)) return `outside the pool (${String(share['path'])} is ${where})`;
    return undefined;
  }

  it('import: hostile uploads propose nothing hostile, create nothing hostile and write nothing for what they refuse', async () => {
    const failures: string[] = [];
    const importEndpoint = MUTATING.find((e) => e.id === 'shares.import')!;
    const ok = path.join(ctx.pool, 'ok');
    const inline = [...ALWAYS, ...STRUCTURED].filter((p) => typeof p.value === 'string' && !/[\n\r]/.test(p.value as string) && p.value !== '');
    const escapes = contextual('path', ctx, 'path').filter((p) => !/[\n\r]/.test(String(p.value)));
    const uploads: Array<{ label: string; body: Json }> = [];
    // The body's own fields, generated from its schema.
    for (const c of casesFor(targetFor(importEndpoint))) uploads.push({ label: `${c.field} = ${c.label}`, body: c.body });
    for (const p of inline) {
      const v = p.value as string;
      // Inside a section header: brackets end the name the way Samba reads it, and a name with a
      // space or a leading space is a legitimate share, so those are not attacks there.
      if (!p.legitFor?.includes('shareName') && !/[[\]]/.test(v) && !v.startsWith(' ')) {
        uploads.push({ label: `smb.conf section name ${p.label}`, body: { source: 'upload', smbConf: `[${v}]\n\tpath = ${ok}\n` } });
      }
      uploads.push({ label: `smb.conf values ${p.label}`, body: { source: 'upload', smbConf: `[imp${ctx.tag}]\n\tpath = ${ok}\n\tcomment = ${v}\n\tvalid users = ${v}\n\thosts allow = ${v}\n` } });
    }
    // Whitespace separates fields in exports and vsftpd.conf lines: only the always-hostile values.
    for (const p of ALWAYS.filter((a) => !/[\n\r]/.test(a.value as string))) {
      const v = p.value as string;
      uploads.push({ label: `exports client ${p.label}`, body: { source: 'upload', exports: `${ok} ${v}(rw)\n` } });
      uploads.push({ label: `exports path ${p.label}`, body: { source: 'upload', exports: `${ok}/${v} 10.0.0.0/24(rw)\n`, createDirectories: true } });
      uploads.push({ label: `vsftpd anon_root ${p.label}`, body: { source: 'upload', vsftpdConf: `anonymous_enable=YES\nanon_root=${ok}/${v}\n`, createDirectories: true } });
    }
    for (const p of escapes) {
      const v = String(p.value);
      uploads.push({ label: `smb.conf path ${p.label}`, body: { source: 'upload', smbConf: `[imp${ctx.tag}]\n\tpath = ${v}\n`, createDirectories: true } });
      uploads.push({ label: `exports path ${p.label}`, body: { source: 'upload', exports: `${v} 10.0.0.0/24(rw)\n`, createDirectories: true } });
      uploads.push({ label: `vsftpd anon_root ${p.label}`, body: { source: 'upload', vsftpdConf: `anonymous_enable=YES\nanon_root=${v}\n`, createDirectories: true } });
    }
    let files = await treeSnapshot(etcRoot);
    let around = await treeSnapshot(path.dirname(ctx.pool));
    let lists = await listState();
    for (const u of uploads) {
      tried['shares.import'] = (tried['shares.import'] ?? 0) + 1;
      const before = await shareIds();
      const res = await api<ImportReport>('POST', '/api/shares/import', u.body);
      const where = `import ${u.label}`;
      let created = 0;
      if (res.status >= 500 || res.status === 404) failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
      else if (res.status < 300) {
        created = Object.values(res.body.created ?? {}).reduce((a, b) => a + b, 0);
        // A file may legitimately normalise into a valid share (Samba joins a line ending in \ with
        // the next one, strips a leading BOM, folds whitespace in a section name). What is proposed
        // as creatable must then be valid by the contract and carry none of the hostile characters.
        for (const protocol of ['smb', 'nfs', 'ftp'] as const) {
          for (const proposal of (res.body[protocol] ?? []).filter((p) => p.errors.length === 0)) {
            const problem = await creatableProblem(protocol, proposal.share);
            if (problem) failures.push(`${where}: proposed a ${protocol} share ${problem}: ${JSON.stringify(proposal.share).slice(0, 300)}`);
          }
        }
      }
      const filesAfter = await treeSnapshot(etcRoot);
      const aroundAfter = await treeSnapshot(path.dirname(ctx.pool));
      if (created === 0) {
        const changed = treeDifference(files, filesAfter);
        if (changed.length > 0) failures.push(`${where}: nothing created, yet config files changed (${changed.join(', ')})`);
        const made = treeDifference(around, aroundAfter);
        if (made.length > 0) failures.push(`${where}: nothing created, yet the file system around the pool changed (${made.join(', ')})`);
        if ((await listState()) !== lists) failures.push(`${where}: nothing created, yet the share lists changed`);
      } else {
        const outsidePool = treeDifference(around, aroundAfter).filter((d) => !d.slice(d.indexOf(' ') + 1).startsWith(`${ctx.pool}/`));
        if (outsidePool.length > 0) failures.push(`${where}: changed the file system outside the pool (${outsidePool.join(', ')})`);
        // Undo the legitimate creations so the next upload is judged on its own.
        const after = await shareIds();
        for (const protocol of ['smb', 'nfs', 'ftp'] as const) {
          for (const id of after[protocol].filter((i) => !before[protocol].includes(i))) await api('DELETE', `/api/shares/${protocol}/${id}`);
        }
        [files, around, lists] = [await treeSnapshot(etcRoot), await treeSnapshot(path.dirname(ctx.pool)), await listState()];
      }
    }
    console.log(`injection corpus (import): ${tried['shares.import']} inputs tried`);
    expect(failures).toEqual([]);
  }, 600_000);

  it('import: unsupported parameters such as root preexec and include are reported, never carried over', async () => {
    const ok = path.join(ctx.pool, 'ok');
    const smbConf = [
      '[global]',
      '\tinclude = /etc/x',
      '\troot preexec = /bin/sh -c id',
      `[imp${ctx.tag}]`,
      `\tpath = ${ok}`,
      '\tcomment = fine',
      '\troot preexec = /bin/sh -c id',
      '\tinclude = /etc/x',
      '\tpreexec = /bin/sh',
      '',
    ].join('\n');
    const files = await treeSnapshot(etcRoot);
    const res = await api<{ smb: Array<{ share: Json; errors: unknown[]; notes: Array<{ text: string }> }>; notes: Array<{ text: string }>; created: Record<string, number> }>(
      'POST',
      '/api/shares/import?dryRun=true',
      { source: 'upload', smbConf },
    );
    expect(res.status).toBe(200);
    expect(res.body.created).toEqual({ smb: 0, nfs: 0, ftp: 0 });
    const proposal = res.body.smb.find((p) => p.share['name'] === `imp${ctx.tag}`);
    expect(proposal).toBeDefined();
    expect(JSON.stringify(proposal!.share)).not.toMatch(/preexec|include|\/bin\/sh/);
    const noted = [...res.body.notes, ...proposal!.notes].map((n) => n.text).join('\n');
    expect(noted).toMatch(/root preexec/);
    expect(noted).toMatch(/include/);
    expect(treeDifference(files, await treeSnapshot(etcRoot))).toEqual([]);
  });

  afterAll(() => {
    const total = Object.values(tried).reduce((a, b) => a + b, 0);
    console.log(`injection corpus: ${total} inputs tried (${Object.entries(tried).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  });
});
