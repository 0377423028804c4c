import { ChangePasswordRequest, CreateAlertChannel, CreatedApiToken, LoginRequest, secret } from '@moxnas/contracts';
import { z } from 'zod';
import { redact, scrub, storable, storableString } from './redact';

describe('redact', () => {
  it('hides exactly the fields the schema marks secret, at any depth and however wrapped', () => {
    const schema = z.object({
      username: z.string(),
      password: secret(z.string()).describe('a password'),
      nested: z.object({ code: secret(z.string().regex(/^\d+$/)).optional(), passivePortMin: z.number(), list: z.array(z.object({ key: secret(z.string()).nullable() })) }),
      tokenId: z.string(),
    });
    const input = { username: 'alice', password: 'hunter2hunter2', nested: { code: '123456', passivePortMin: 50000, list: [{ key: 's3cret-key' }, { key: null }] }, tokenId: '6f0c…' };
    expect(redact(input, [schema])).toEqual({
      username: 'alice',
      password: '[redacted]',
      nested: { code: '[redacted]', passivePortMin: 50000, list: [{ key: '[redacted]' }, { key: null }] },
      tokenId: '6f0c…',
    });
  });

  it('knows the secrets of the real contracts, and not by their names', () => {
    expect(redact({ username: 'admin', password: 'x', totp: '123456' }, [LoginRequest])).toEqual({ username: 'admin', password: '[redacted]', totp: '[redacted]' });
    expect(redact({ currentPassword: 'a', newPassword: 'b' }, [ChangePasswordRequest])).toEqual({ currentPassword: '[redacted]', newPassword: '[redacted]' });
    expect(redact({ id: 'i', token: 'mxt_abc', prefix: 'mxt_a' }, [CreatedApiToken])).toMatchObject({ token: '[redacted]', prefix: 'mxt_a' });
    // A union body: whichever member the value is, its secret is known.
    expect(redact({ type: 'webhook', name: 'n', webhook: { url: 'https://x', secret: 'k'.repeat(20) } }, [CreateAlertChannel])).toMatchObject({ webhook: { url: 'https://x', secret: '[redacted]' } });
    expect(redact({ type: 'email', name: 'n', email: { host: 'h', password: 'smtp-pass' } }, [CreateAlertChannel])).toMatchObject({ email: { host: 'h', password: '[redacted]' } });
    // No schema, no guessing: names alone decide nothing.
    expect(redact({ passivePortMin: 50000, password: 'shown' })).toEqual({ passivePortMin: 50000, password: 'shown' });
  });

  it('collects the secret values so echoes elsewhere can be scrubbed', () => {
    const found = new Set<string>();
    redact({ password: 'hunter2hunter2' }, [z.object({ password: secret(z.string()) })], found);
    expect([...found]).toEqual(['hunter2hunter2']);
    expect(scrub({ message: 'hunter2hunter2 is weak', list: ['x hunter2hunter2'] }, found)).toEqual({ message: '[redacted] is weak', list: ['x [redacted]'] });
  });

  it('passes scalars and null through and turns dates into ISO strings', () => {
    expect(redact('x')).toBe('x');
    expect(redact(undefined)).toBeNull();
    expect(redact(3)).toBe(3);
    expect(redact({ at: new Date('2025-01-01T00:00:00Z') })).toEqual({ at: '2025-01-01T00:00:00.000Z' });
    expect(redact({ file: Buffer.from('abc') })).toEqual({ file: '[3 bytes]' });
  });
});

describe('storable', () => {
  it('turns U+0000 into a visible mark in values and keys, and lone surrogates into U+FFFD', () => {
    expect(storableString('admin\u0000hidden')).toBe('admin\u2400hidden');
    expect(storable({ 'a\u0000b': ['x\u0000', 'ok'], s: 'bad\ud800', pair: '😀' })).toEqual({ 'a\u2400b': ['x\u2400', 'ok'], s: 'bad\ufffd', pair: '😀' });
  });
});
