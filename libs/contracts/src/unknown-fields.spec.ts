import { z } from 'zod';
import { NfsShareCreate, SmbShareCreate, SmbShareUpdate } from './shares';
import { allEndpoints } from './index';
import { unknownFields } from './unknown-fields';

describe('unknownFields', () => {
  it('names a top-level key the contract does not know (the readonly/valid_users case)', () => {
    expect(unknownFields(SmbShareCreate, { name: 'media', path: '/mnt/p/media', readonly: true, valid_users: ['alice'] })).toEqual([['readonly'], ['valid_users']]);
  });

  it('names an NFS options string that would have been dropped', () => {
    expect(unknownFields(NfsShareCreate, { path: '/mnt/p/x', clients: [{ host: '*', access: 'rw' }], options: 'no_root_squash' })).toEqual([['options']]);
  });

  it('walks nested objects and list items', () => {
    expect(unknownFields(SmbShareUpdate, { recycleBin: { repository: '.bin', mode: '1777' } })).toEqual([['recycleBin', 'mode']]);
    expect(unknownFields(NfsShareCreate, { path: '/mnt/p/x', clients: [{ host: '*', access: 'rw' }, { host: 'a', access: 'ro', squash: 'none' }] })).toEqual([['clients', 1, 'squash']]);
  });

  it('accepts every known field, and keys of records and loose objects', () => {
    expect(unknownFields(SmbShareCreate, { name: 'media', path: '/mnt/p/media', readOnly: true, validUsers: ['alice'], recycleBin: { repository: '.bin' } })).toEqual([]);
    expect(unknownFields(z.record(z.string(), z.object({ a: z.number() })), { x: { a: 1 }, y: { a: 2, b: 3 } })).toEqual([['y', 'b']]);
    expect(unknownFields(z.object({ a: z.number() }).loose(), { a: 1, b: 2 })).toEqual([]);
  });

  it('judges the union branch that fits the value', () => {
    const channel = z.discriminatedUnion('type', [
      z.object({ type: z.literal('webhook'), url: z.string() }),
      z.object({ type: z.literal('email'), to: z.string() }),
    ]);
    expect(unknownFields(channel, { type: 'email', to: 'a@b', url: 'x' })).toEqual([['url']]);
    expect(unknownFields(channel, { type: 'webhook', url: 'x' })).toEqual([]);
  });

  it('sees through defaults, transforms and refinements', () => {
    const schema = z.object({ a: z.object({ b: z.string() }).default({ b: 'x' }) }).superRefine(() => undefined).transform((v) => v.a);
    expect(unknownFields(schema, { a: { b: 'y', c: 1 }, d: 2 })).toEqual([['a', 'c'], ['d']]);
  });

  it('knows every field of every request body the contracts declare (a body parsed from itself has no unknown keys)', () => {
    // Strict objects and the walk agree: a key the walk calls unknown is one no schema branch declares.
    for (const e of allEndpoints) {
      if (!e.body) continue;
      expect({ id: e.id, unknown: unknownFields(e.body, {}) }).toEqual({ id: e.id, unknown: [] });
    }
  });
});
