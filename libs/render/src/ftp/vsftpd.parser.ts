/** One `option=value` line of a vsftpd.conf (or of a per-user file in `user_config_dir`). */
export interface VsftpdSetting {
  /** As written: vsftpd matches option names case-sensitively. */
  name: string;
  /** Everything after the first `=`, untrimmed: vsftpd takes it verbatim. */
  value: string;
  /** 1-based line. */
  line: number;
}

export interface VsftpdConfDocument {
  /** In file order; a repeated option appears twice (vsftpd keeps the last). */
  settings: VsftpdSetting[];
  /** Lines vsftpd would refuse to start with. */
  stray: { line: number; text: string; reason: string }[];
}

/**
 * Reads a vsftpd.conf as vsftpd does (parseconf.c): one `option=value` per line, no blanks around
 * the `=`, `#` only at the start of a line, blank lines skipped, no continuation lines. Pure.
 */
export function parseVsftpdConf(text: string): VsftpdConfDocument {
  const settings: VsftpdSetting[] = [];
  const stray: VsftpdConfDocument['stray'] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq === -1) {
      stray.push({ line: index + 1, text: line, reason: 'not option=value; vsftpd refuses to start ("missing value in config file")' });
      return;
    }
    settings.push({ name: line.slice(0, eq), value: line.slice(eq + 1), line: index + 1 });
  });
  return { settings, stray };
}

/** vsftpd's boolean spelling: YES/TRUE/1 and NO/FALSE/0, case-insensitive; anything else is invalid. */
export function vsftpdBoolean(value: string): boolean | undefined {
  const v = value.toUpperCase();
  if (v === 'YES' || v === 'TRUE' || v === '1') return true;
  if (v === 'NO' || v === 'FALSE' || v === '0') return false;
  return undefined;
}
