import { z } from 'zod';
import { passwordProblem } from './auth';
import { accountNameProblem, CreateUserRequest, HomeDir, RESERVED_ACCOUNT_NAMES } from './users';

describe('account names', () => {
  it.each(['alice', '_svc', 'a', 'media-team', 'user_01', 'x'.repeat(32)])('accepts %j', (name) => {
    expect(accountNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /required/],
    ['x'.repeat(33), /at most 32/],
    ['Alice', /must start with a lowercase/],
    ['1abc', /must start with/],
    ['-x', /must start with/],
    ['a b', /only lowercase/],
    ['a:b', /only lowercase/],
    ['a/b', /only lowercase/],
    ['a.b', /only lowercase/],
    ['\u0430lice', /plain ASCII/],
    ['al\u0456ce', /plain ASCII/],
    ['root', /reserved/],
    ['nobody', /reserved/],
    ['admin', /reserved/],
    ['moxnas-ftp', /reserved/],
  ])('refuses %j', (name, message) => {
    expect(accountNameProblem(name)).toMatch(message);
  });

  it('keeps every reserved name inside the grammar, so the list stays meaningful', () => {
    for (const name of RESERVED_ACCOUNT_NAMES) expect(/^[a-z_][a-z0-9_-]{0,31}$/.test(name)).toBe(true);
  });

  it('documents the grammar in the JSON schema', () => {
    const json = z.toJSONSchema(CreateUserRequest, { io: 'input' }) as { properties: Record<string, { pattern?: string; maxLength?: number }> };
    expect(json.properties['username']).toMatchObject({ pattern: '^[a-z_][a-z0-9_-]{0,31}$', maxLength: 32 });
  });
});

describe('passwords', () => {
  it.each(['Correct horse 42', 'pässwörd-lång', '12345678abc'])('accepts %j', (pw) => {
    expect(passwordProblem(pw)).toBeUndefined();
  });

  it.each([
    ['short1!', /at least 8/],
    ['x'.repeat(129), /at most 128/],
    ['tab\there-pass', /control characters/],
    ['zzzzzzzzzz', /repeat/],
    ['Password123', /common/],
  ])('refuses %j', (pw, message) => {
    expect(passwordProblem(pw)).toMatch(message);
  });
});

describe('home directories', () => {
  it.each(['/srv/homes/alice', '/mnt/tank/home/bob', '/home/c.d'])('accepts %j', (dir) => {
    expect(HomeDir.safeParse(dir).success).toBe(true);
  });

  it.each(['relative', '/', '/etc', '/etc/x', '/srv/../etc', '/srv/./x', '/srv//x', '/srv/x/', '/srv/a b', '/srv/$(id)', '/tmp/x', '/root'])('refuses %j', (dir) => {
    expect(HomeDir.safeParse(dir).success).toBe(false);
  });
});
