import { ParseError } from './parse-error';

export interface ExportEntry {
  path: string;
  /** Host, IP, CIDR or wildcard as exportfs prints it; `*` for the world (printed as `<world>`). */
  client: string;
  /** Effective options in exportfs' order, for example `['sync', 'wdelay', 'rw', 'root_squash']`. */
  options: string[];
}

/**
 * Parses `exportfs -v`. exportfs prints `%-14s\t%s(opts)`, and when the path is longer than 14
 * characters it puts the client on the next line after two tabs. Paths are printed raw (a space
 * stays a space), so the path is everything before the padding and the tab.
 */
export function parseExportfsVerbose(text: string): ExportEntry[] {
  const entries: ExportEntry[] = [];
  const lines = text.split('\n');
  let pendingPath: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) {
      if (pendingPath === undefined) throw new ParseError('exportfs -v', `line ${i + 1}: client without a path`);
      entries.push({ path: pendingPath, ...parseClient(line.trim(), i + 1) });
      pendingPath = undefined;
      continue;
    }
    if (pendingPath !== undefined) throw new ParseError('exportfs -v', `line ${i + 1}: ${pendingPath} has no client`);
    const tab = line.lastIndexOf('\t');
    if (tab === -1) {
      // Long path: the client follows on the next line.
      pendingPath = line.trimEnd();
      continue;
    }
    const path = line.slice(0, tab).trimEnd();
    entries.push({ path, ...parseClient(line.slice(tab + 1).trim(), i + 1) });
  }
  if (pendingPath !== undefined) throw new ParseError('exportfs -v', `${pendingPath} has no client`);
  return entries;
}

function parseClient(field: string, lineNo: number): { client: string; options: string[] } {
  const open = field.indexOf('(');
  if (open === -1) return { client: normaliseClient(field), options: [] };
  if (!field.endsWith(')')) throw new ParseError('exportfs -v', `line ${lineNo}: unterminated options in "${field}"`);
  const options = field
    .slice(open + 1, -1)
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return { client: normaliseClient(field.slice(0, open)), options };
}

function normaliseClient(client: string): string {
  return client === '<world>' ? '*' : client;
}
