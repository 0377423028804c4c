/** One `[section]` of an smb.conf with its parameters in file order. */
export interface SmbConfSection {
  name: string;
  /** Parameter name (lower-cased, inner whitespace collapsed as Samba does) → raw value. */
  params: Map<string, string>;
}

/**
 * Reads smb.conf text the way Samba does for the subset MoxNAS writes and `testparm -s` prints:
 * `#`/`;` comment lines, `[section]` headers, `name = value` lines with the value trimmed and inner
 * whitespace runs collapsed. Continuation lines (`\` at the end) are joined, so an injected one would
 * show up as a changed value in a round trip. Parameters before the first section land in `global`.
 */
export function parseSmbConf(text: string): SmbConfSection[] {
  const sections: SmbConfSection[] = [];
  let current: SmbConfSection | undefined;
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i];
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + raw[++i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      const end = trimmed.indexOf(']');
      const name = (end === -1 ? trimmed.slice(1) : trimmed.slice(1, end)).trim().replace(/\s+/g, ' ');
      current = sections.find((s) => s.name.toLowerCase() === name.toLowerCase());
      if (!current) {
        current = { name, params: new Map() };
        sections.push(current);
      }
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq === -1) continue;
    if (!current) {
      current = { name: 'global', params: new Map() };
      sections.push(current);
    }
    const key = trimmed.slice(0, eq).trim().replace(/\s+/g, ' ').toLowerCase();
    const value = trimmed.slice(eq + 1).trim().replace(/\s+/g, ' ');
    current.params.set(key, value);
  }
  return sections;
}
