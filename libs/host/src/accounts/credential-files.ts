import path from 'node:path';
import type { HostFs } from '../fs/host-fs';

/**
 * Root-only files holding the app's own secrets (the JWT signing key, the first-boot admin
 * password). Always mode 0600; a looser mode found on disk is tightened.
 */
export class CredentialFiles {
  constructor(private readonly fs: HostFs) {}

  async read(file: string): Promise<string | null> {
    const content = await this.fs.readFile(file);
    if (content === null) return null;
    const st = await this.fs.stat(file);
    if (st && (st.mode & 0o077) !== 0) await this.fs.chmod(file, 0o600);
    return content.trim();
  }

  /** The secret in `file`, created from `generate()` when the file does not exist yet. */
  async readOrCreate(file: string, generate: () => string): Promise<{ value: string; created: boolean }> {
    const existing = await this.read(file);
    if (existing) return { value: existing, created: false };
    const value = generate();
    await this.write(file, value);
    return { value, created: true };
  }

  async write(file: string, value: string): Promise<void> {
    await this.fs.mkdir(path.dirname(file));
    await this.fs.writeFileAtomic(file, `${value}\n`, { mode: 0o600 });
  }

  async remove(file: string): Promise<void> {
    await this.fs.rm(file, { force: true });
  }
}
