import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { generateSecret, type Base32Plugin, type CryptoPlugin, type HashAlgorithm } from '@otplib/core';
import { generate, verify } from '@otplib/totp';
import { generateTOTP } from '@otplib/uri';
import { CLOCK, type Clock } from '../clock';

/**
 * otplib's HMAC and base32 plugins on node:crypto. (The `otplib` meta-package defaults to plugins
 * from ESM-only packages, which jest cannot load; the algorithm itself comes from @otplib/totp.)
 */
const nodeCrypto: CryptoPlugin = {
  name: 'node',
  algorithms: ['sha1', 'sha256', 'sha512'],
  hmac: (algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array) => new Uint8Array(createHmac(algorithm, key).update(data).digest()),
  randomBytes: (length: number) => new Uint8Array(randomBytes(length)),
  constantTimeEqual: (a: string | Uint8Array, b: string | Uint8Array) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  },
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps expect. */
const base32: Base32Plugin = {
  name: 'rfc4648',
  encode(data: Uint8Array): string {
    let bits = 0;
    let value = 0;
    let out = '';
    for (const byte of data) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5) {
        out += ALPHABET[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
    }
    if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
    return out;
  },
  decode(text: string): Uint8Array {
    const clean = text.toUpperCase().replace(/=+$/, '').replace(/\s+/g, '');
    const out: number[] = [];
    let bits = 0;
    let value = 0;
    for (const ch of clean) {
      const index = ALPHABET.indexOf(ch);
      if (index < 0) throw new Error('invalid base32 character');
      value = (value << 5) | index;
      bits += 5;
      if (bits >= 8) {
        out.push((value >>> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return new Uint8Array(out);
  },
};

const PERIOD = 30;

/** TOTP (RFC 6238, 6 digits, 30 s, SHA-1: what every authenticator app speaks). */
@Injectable()
export class TotpService {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  newSecret(): string {
    return generateSecret({ crypto: nodeCrypto, base32, length: 20 });
  }

  otpauthUrl(username: string, secret: string): string {
    return generateTOTP({ issuer: 'MoxNAS', label: username, secret, period: PERIOD, digits: 6, algorithm: 'sha1' });
  }

  /**
   * The time step the code belongs to, or null. One step of drift either way is accepted; a step at
   * or before `lastStep` is refused, so a code cannot be replayed.
   */
  async check(secret: string, code: string, lastStep: number | null): Promise<number | null> {
    const result = await verify({
      secret,
      token: code,
      crypto: nodeCrypto,
      base32,
      period: PERIOD,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: PERIOD,
      ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
    }).catch(() => ({ valid: false as const }));
    return result.valid ? result.timeStep : null;
  }

  /** The code for a moment (now by default). */
  codeFor(secret: string, at: Date = this.clock.now()): Promise<string> {
    return generate({ secret, crypto: nodeCrypto, base32, period: PERIOD, epoch: Math.floor(at.getTime() / 1000) });
  }
}
