import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ntHash, sha512Crypt, type HostCredentials } from '@moxnas/host';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Password hashing: argon2id for dashboard logins, plus the Linux and Samba forms of the same
 * password so the host accounts can be rebuilt from the database.
 */
@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same work as a real verification, for unknown usernames, so the response time
   * does not tell which accounts exist.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= hash('moxnas-dummy-password-for-timing', ARGON2);
    await this.verify(await this.dummy, password);
    return false;
  }

  hostCredentials(password: string): Required<HostCredentials> {
    return { unixHash: sha512Crypt(password), ntHash: ntHash(password), password };
  }
}
