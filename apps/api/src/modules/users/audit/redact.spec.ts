import { redact } from './redact';

describe('redact', () => {
  it('hides secrets at any depth and keeps the rest', () => {
    const input = {
      username: 'alice',
      password: 'hunter2hunter2',
      nested: { newPassword: 'x', currentPassword: 'y', token: 'mxt_abc', code: '123456', list: [{ secret: 's' }] },
      totpEnabled: true,
      passwordChangedAt: new Date('2025-01-01T00:00:00Z'),
      tokenId: '6f0c…',
      mustChangePassword: false,
    };
    expect(redact(input)).toEqual({
      username: 'alice',
      password: '[redacted]',
      nested: { newPassword: '[redacted]', currentPassword: '[redacted]', token: '[redacted]', code: '[redacted]', list: [{ secret: '[redacted]' }] },
      totpEnabled: true,
      passwordChangedAt: '2025-01-01T00:00:00.000Z',
      tokenId: '6f0c…',
      mustChangePassword: false,
    });
  });

  it('passes scalars and null through', () => {
    expect(redact('x')).toBe('x');
    expect(redact(undefined)).toBeNull();
    expect(redact(3)).toBe(3);
  });
});
