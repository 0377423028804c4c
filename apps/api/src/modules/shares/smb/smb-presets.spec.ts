import { SmbShareCreate } from '@moxnas/contracts';
import { applySmbPreset, SMB_PRESETS } from './smb-presets';

const parse = (body: Record<string, unknown>) => ({ body: SmbShareCreate.parse({ name: 'media', path: '/srv/pool/media', ...body }), sent: new Set(['name', 'path', ...Object.keys(body)]) });

describe('applySmbPreset', () => {
  it('fills what the body left out and keeps what it sent, even when it equals a default', () => {
    const { body, sent } = parse({ preset: 'public-read-only', readOnly: false });
    const { body: filled, errors } = applySmbPreset(body, sent);
    expect(errors).toEqual([]);
    expect(filled).toMatchObject({ guestOk: true, readOnly: false, createMask: '0644' });
  });

  it('leaves a body without a preset alone', () => {
    const { body, sent } = parse({});
    expect(applySmbPreset(body, sent).body).toEqual(body);
  });

  it('asks the private preset for valid users or groups', () => {
    const { body, sent } = parse({ preset: 'private' });
    expect(applySmbPreset(body, sent).errors).toEqual([{ field: 'validUsers', message: expect.stringContaining('private') }]);
    const withGroup = parse({ preset: 'private', validGroups: ['staff'] });
    expect(applySmbPreset(withGroup.body, withGroup.sent).errors).toEqual([]);
  });

  it('offers options that are valid share options', () => {
    for (const preset of SMB_PRESETS) {
      expect(SmbShareCreate.safeParse({ name: 'x', path: '/srv/x', ...preset.options }).success).toBe(true);
    }
  });
});
