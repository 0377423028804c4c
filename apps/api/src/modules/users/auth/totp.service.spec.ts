import type { Clock } from '../clock';
import { TotpService } from './totp.service';

class FixedClock implements Clock {
  constructor(public at: Date) {}
  now(): Date {
    return this.at;
  }
}

// RFC 6238 appendix B: the SHA-1 key "12345678901234567890", here in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TotpService', () => {
  it('matches the RFC 6238 test vectors (last six digits)', async () => {
    const totp = new TotpService(new FixedClock(new Date(0)));
    expect(await totp.codeFor(RFC_SECRET, new Date(59_000))).toBe('287082');
    expect(await totp.codeFor(RFC_SECRET, new Date(1111111109_000))).toBe('081804');
    expect(await totp.codeFor(RFC_SECRET, new Date(2000000000_000))).toBe('279037');
  });

  it('accepts the current code and one step of drift, and never the same step twice', async () => {
    const clock = new FixedClock(new Date(1111111109_000));
    const totp = new TotpService(clock);
    const step = await totp.check(RFC_SECRET, '081804', null);
    expect(step).toBe(Math.floor(1111111109 / 30));
    expect(await totp.check(RFC_SECRET, '081804', step)).toBeNull();
    const previous = await totp.codeFor(RFC_SECRET, new Date(1111111109_000 - 30_000));
    expect(await totp.check(RFC_SECRET, previous, null)).toBe(step! - 1);
    const old = await totp.codeFor(RFC_SECRET, new Date(1111111109_000 - 120_000));
    expect(await totp.check(RFC_SECRET, old, null)).toBeNull();
    expect(await totp.check(RFC_SECRET, 'abcdef', null)).toBeNull();
  });

  it('makes 160-bit base32 secrets and otpauth URLs apps understand', () => {
    const totp = new TotpService(new FixedClock(new Date()));
    const secret = totp.newSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(totp.otpauthUrl('alice', secret));
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('MoxNAS');
  });
});
