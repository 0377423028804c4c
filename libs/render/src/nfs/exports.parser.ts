import { AbsolutePath, NfsClientSpec, NfsSecFlavor } from '@moxnas/contracts';

export interface ParsedExportClient {
  host: string;
  options: string[];
}

export interface ParsedExport {
  /** 1-based line number in the file. */
  line: number;
  path: string;
  clients: ParsedExportClient[];
}

export interface ExportsParseResult {
  exports: ParsedExport[];
  /** `line N: problem`; empty when the file is acceptable. */
  errors: string[];
}

/** Options exports(5) defines that MoxNAS may write; anything else is refused by the strict parser. */
const FLAGS = new Set([
  'rw', 'ro', 'sync', 'async', 'root_squash', 'no_root_squash', 'all_squash', 'no_all_squash',
  'subtree_check', 'no_subtree_check', 'secure', 'insecure', 'wdelay', 'no_wdelay', 'hide', 'nohide',
  'crossmnt', 'nocrossmnt',
]);
const CONTRADICTIONS: [string, string][] = [
  ['rw', 'ro'],
  ['sync', 'async'],
  ['root_squash', 'no_root_squash'],
  ['all_squash', 'no_all_squash'],
  ['subtree_check', 'no_subtree_check'],
  ['secure', 'insecure'],
];

function optionProblem(option: string): string | undefined {
  if (FLAGS.has(option)) return undefined;
  const [key, value, extra] = option.split('=');
  if (extra !== undefined || value === undefined) return `unknown option "${option}"`;
  if (key === 'anonuid' || key === 'anongid') {
    return /^(0|[1-9][0-9]{0,9})$/.test(value) && Number(value) <= 2147483647 ? undefined : `${key} must be a number 0–2147483647`;
  }
  if (key === 'sec') {
    const flavors = value.split(':');
    if (flavors.some((f) => !NfsSecFlavor.safeParse(f).success)) return `unknown security flavour in "${option}"`;
    return new Set(flavors).size === flavors.length ? undefined : `repeated flavour in "${option}"`;
  }
  return `unknown option "${option}"`;
}

/** Splits `a "b c" d` into tokens, keeping track of quoting. */
function tokenize(line: string): { tokens: string[]; error?: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === ' ' || line[i] === '\t') {
      i++;
      continue;
    }
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end === -1) return { tokens, error: 'unterminated quote' };
      if (end + 1 < line.length && line[end + 1] !== ' ' && line[end + 1] !== '\t') return { tokens, error: 'text right after a closing quote' };
      tokens.push(line.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    let end = i;
    while (end < line.length && line[end] !== ' ' && line[end] !== '\t') end++;
    tokens.push(line.slice(i, end));
    i = end;
  }
  return { tokens };
}

/**
 * A strict exports(5) reader for the subset MoxNAS writes: every line is `path client(opts)…` with a
 * known option set, a valid client spec and no contradictions; no default-option (`-opts`) syntax,
 * no bare clients, no duplicates. Used where exportfs cannot be run (no root, no mount namespace)
 * and as a cheap first pass before it.
 */
export function parseExports(text: string): ExportsParseResult {
  const exports: ParsedExport[] = [];
  const errors: string[] = [];
  const paths = new Map<string, number>();
  text.split('\n').forEach((rawLine, index) => {
    const line = index + 1;
    const fail = (message: string) => errors.push(`line ${line}: ${message}`);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(rawLine) || rawLine.includes('\r')) return fail('control character');
    const trimmed = rawLine.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (rawLine.endsWith('\\')) return fail('line continuation is not allowed');
    const { tokens, error } = tokenize(trimmed);
    if (error) return fail(error);
    const [rawPath, ...clientTokens] = tokens;
    const path = rawPath.startsWith('"') ? rawPath.slice(1, -1) : rawPath;
    const pathCheck = AbsolutePath.safeParse(path);
    if (!pathCheck.success) return fail(`path ${path}: ${pathCheck.error.issues[0].message}`);
    const seenAt = paths.get(path);
    if (seenAt !== undefined) return fail(`${path} is already exported on line ${seenAt}`);
    paths.set(path, line);
    if (clientTokens.length === 0) return fail(`${path} has no clients`);
    const clients: ParsedExportClient[] = [];
    const hosts = new Set<string>();
    for (const token of clientTokens) {
      const match = /^([^()]+)\(([^()]*)\)$/.exec(token);
      if (!match) return fail(`"${token}" is not client(options)`);
      const [, host, optionText] = match;
      const hostCheck = NfsClientSpec.safeParse(host);
      if (!hostCheck.success) return fail(`client ${host}: ${hostCheck.error.issues[0].message}`);
      if (hosts.has(host.toLowerCase())) return fail(`client ${host} is listed twice for ${path}`);
      hosts.add(host.toLowerCase());
      const options = optionText.split(',');
      for (const option of options) {
        const problem = optionProblem(option);
        if (problem) return fail(`${host}: ${problem}`);
      }
      for (const [a, b] of CONTRADICTIONS) {
        if (options.includes(a) && options.includes(b)) return fail(`${host}: both ${a} and ${b}`);
      }
      if (new Set(options).size !== options.length) return fail(`${host}: an option is repeated`);
      clients.push({ host, options });
    }
    exports.push({ line, path, clients });
  });
  return { exports, errors };
}

// ---------------------------------------------------------------------------------------------
// Lenient reader: any exports(5) file, as exportfs reads it, for importing hand-made setups
// ---------------------------------------------------------------------------------------------

export interface ExportsReadClient {
  /** As written; `*` for the world (a bare `(opts)` or a line without clients). */
  host: string;
  /** The `-opts` defaults in force for this client followed by its own options, in that order. */
  options: string[];
  /** How exportfs got this client when the line did not say it in the usual `host(opts)` form. */
  implicit?: 'bare-host' | 'no-host' | 'no-clients';
}

export interface ExportsReadEntry {
  /** 1-based line the export starts on. */
  line: number;
  /** Unquoted, octal escapes (`\040`) decoded. */
  path: string;
  /** The text of a `#` comment line directly above (no blank line between), if any. */
  comment: string | null;
  clients: ExportsReadClient[];
  /** The logical line as written (continuations joined), trimmed. */
  text: string;
}

export interface ExportsDocument {
  entries: ExportsReadEntry[];
  /** Lines that could not be read as an export; exportfs would complain about them too. */
  stray: { line: number; text: string; reason: string }[];
}

/**
 * exports(5) allows `\ooo` octal escapes in a path (`\040` for a space). They are bytes: a run of
 * them is decoded as UTF-8, so `\303\251` is `é`.
 */
function decodeOctal(s: string): string {
  return s.replace(/(?:\\[0-7]{3})+/g, (run) => {
    const bytes = Uint8Array.from(run.match(/[0-7]{3}/g) ?? [], (oct) => parseInt(oct, 8) & 0xff);
    return new TextDecoder().decode(bytes);
  });
}

/** Splits on blanks outside double quotes and cuts at a `#` outside quotes (the rest is a comment). */
function lenientTokens(line: string): { tokens: string[]; error?: string } {
  const tokens: string[] = [];
  let token = '';
  let quoted = false;
  let started = false;
  for (const ch of line) {
    if (quoted) {
      if (ch === '"') quoted = false;
      else token += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      started = true;
    } else if (ch === '#') {
      break;
    } else if (ch === ' ' || ch === '\t') {
      if (started) tokens.push(token);
      token = '';
      started = false;
    } else {
      token += ch;
      started = true;
    }
  }
  if (quoted) return { tokens, error: 'unterminated quote' };
  if (started) tokens.push(token);
  return { tokens };
}

/**
 * Reads any /etc/exports the way exportfs does, for import: `#` comments (whole lines and the rest
 * of a line), `\` continuation lines, quoted or octal-escaped paths, `-opts` default options for
 * the clients after them, bare hosts (exportfs' defaults) and lines without clients (the world).
 * It judges nothing about the options; that is the importer's job. Pure.
 */
export function readExports(text: string): ExportsDocument {
  const entries: ExportsReadEntry[] = [];
  const stray: ExportsDocument['stray'] = [];
  const raw = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let comment: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let line = raw[i];
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + ' ' + raw[++i];
    const trimmed = line.trim();
    if (trimmed === '') {
      comment = null;
      continue;
    }
    if (trimmed.startsWith('#')) {
      comment = trimmed.replace(/^#+/, '').trim() || null;
      continue;
    }
    const above = comment;
    comment = null;
    const { tokens, error } = lenientTokens(trimmed);
    if (error) {
      stray.push({ line: lineNo, text: trimmed, reason: error });
      continue;
    }
    const [rawPath, ...rest] = tokens;
    const clients: ExportsReadClient[] = [];
    let defaults: string[] = [];
    for (const token of rest) {
      if (token.startsWith('-')) {
        defaults = token.slice(1).split(',').filter(Boolean);
        continue;
      }
      const open = token.indexOf('(');
      if (open === -1) {
        clients.push({ host: token, options: [...defaults], implicit: 'bare-host' });
        continue;
      }
      if (!token.endsWith(')')) {
        stray.push({ line: lineNo, text: token, reason: `"${token}" is not host(options)` });
        continue;
      }
      const host = token.slice(0, open);
      const own = token.slice(open + 1, -1).split(',').filter(Boolean);
      clients.push({ host: host === '' ? '*' : host, options: [...defaults, ...own], ...(host === '' ? { implicit: 'no-host' as const } : {}) });
    }
    if (rest.filter((t) => !t.startsWith('-')).length === 0) clients.push({ host: '*', options: [...defaults], implicit: 'no-clients' });
    entries.push({ line: lineNo, path: decodeOctal(rawPath), comment: above, clients, text: trimmed });
  }
  return { entries, stray };
}
