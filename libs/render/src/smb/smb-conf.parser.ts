/** One `[section]` of an smb.conf with its parameters in file order. */
export interface SmbConfSection {
  name: string;
  /** Parameter name (lower-cased, inner whitespace collapsed as Samba does) → raw value. */
  params: Map<string, string>;
}

/** One `name = value` line of an smb.conf, with where it came from. */
export interface SmbConfParam {
  /** The name as written, trimmed and with inner whitespace collapsed (`Read  Only` → `Read Only`). */
  name: string;
  /**
   * The key Samba matches the name by: lower case with every blank removed (`readonly`, `read only`
   * and `Read Only` are one parameter to Samba; parametric names such as `fruit:time machine` too).
   */
  key: string;
  /** Trimmed, inner whitespace runs collapsed to one space. */
  value: string;
  /** 1-based line the parameter starts on (continuation lines are joined onto it). */
  line: number;
  /** The logical line as written (continuations joined), trimmed. */
  text: string;
}

export interface SmbConfReadSection {
  name: string;
  /** Line of the first `[name]` header; for parameters before any header (implicit global), the first of them. */
  line: number;
  /** Lines where the same section (compared case-insensitively) was opened again; Samba merges them. */
  reopenedAt: number[];
  params: SmbConfParam[];
}

/** A line that is neither blank, a comment, a section header nor a parameter. */
export interface SmbConfStrayLine {
  line: number;
  text: string;
  reason: string;
}

export interface SmbConfDocument {
  sections: SmbConfReadSection[];
  stray: SmbConfStrayLine[];
}

/** How Samba compares parameter names (strwicmp): case-insensitive, blanks ignored. */
export function smbParamKey(name: string): string {
  return name.replace(/\s+/g, '').toLowerCase();
}

const collapse = (s: string) => s.trim().replace(/\s+/g, ' ');

/**
 * Reads smb.conf text the way Samba does, keeping line numbers: `#`/`;` comment lines, `[section]`
 * headers (a repeated header, compared case-insensitively, continues the earlier section), `name =
 * value` lines with the value trimmed and inner whitespace runs collapsed. A line ending in `\` is
 * joined with the next one before anything else, as Samba does, so an injected continuation shows
 * up as a changed value. Parameters before the first header belong to `global`. Pure.
 */
export function readSmbConf(text: string): SmbConfDocument {
  const sections: SmbConfReadSection[] = [];
  const stray: SmbConfStrayLine[] = [];
  let current: SmbConfReadSection | undefined;
  const raw = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  for (let i = 0; i < raw.length; i++) {
    const lineNo = i + 1;
    let line = raw[i];
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + raw[++i];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      const end = trimmed.indexOf(']');
      const name = collapse(end === -1 ? trimmed.slice(1) : trimmed.slice(1, end));
      if (end === -1) stray.push({ line: lineNo, text: trimmed, reason: 'section header without a closing ]' });
      else if (trimmed.slice(end + 1).trim() !== '') stray.push({ line: lineNo, text: trimmed, reason: 'text after the section header is ignored by Samba' });
      current = sections.find((s) => s.name.toLowerCase() === name.toLowerCase());
      if (current) {
        current.reopenedAt.push(lineNo);
      } else {
        current = { name, line: lineNo, reopenedAt: [], params: [] };
        sections.push(current);
      }
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (eq === -1) {
      stray.push({ line: lineNo, text: trimmed, reason: 'not a parameter (no =); Samba ignores it' });
      continue;
    }
    if (!current) {
      current = { name: 'global', line: lineNo, reopenedAt: [], params: [] };
      sections.push(current);
    }
    const name = collapse(trimmed.slice(0, eq));
    current.params.push({ name, key: smbParamKey(name), value: collapse(trimmed.slice(eq + 1)), line: lineNo, text: trimmed });
  }
  return { sections, stray };
}

/**
 * Reads smb.conf text the way Samba does for the subset MoxNAS writes and `testparm -s` prints:
 * sections with their parameters as a map (the last value of a name wins). Names are lower-cased
 * with inner whitespace collapsed (not removed: testparm prints the canonical spelling). Continuation
 * lines (`\` at the end) are joined, so an injected one would show up as a changed value in a round
 * trip. Parameters before the first section land in `global`.
 */
export function parseSmbConf(text: string): SmbConfSection[] {
  return readSmbConf(text).sections.map((s) => ({
    name: s.name,
    params: new Map(s.params.map((p) => [p.name.toLowerCase(), p.value])),
  }));
}
