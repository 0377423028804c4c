import type { FieldError } from '@moxnas/contracts';
import { mergeNfsClients } from './nfs-shares.service';

describe('mergeNfsClients', () => {
  it('merges identical entries, keeping the first position', () => {
    const errors: FieldError[] = [];
    const merged = mergeNfsClients(
      [
        { host: 'a.lan', access: 'rw' },
        { host: '10.0.0.0/8', access: 'ro' },
        { host: 'A.lan', access: 'rw' },
      ],
      errors,
    );
    expect(merged).toEqual([
      { host: 'a.lan', access: 'rw' },
      { host: '10.0.0.0/8', access: 'ro' },
    ]);
    expect(errors).toEqual([]);
  });

  it('refuses one host with ro and rw, naming the later entry', () => {
    const errors: FieldError[] = [];
    mergeNfsClients(
      [
        { host: '*', access: 'ro' },
        { host: '*', access: 'rw' },
      ],
      errors,
    );
    expect(errors).toEqual([{ field: 'clients.1.host', message: expect.stringContaining('ro (clients.0)') }]);
  });
});
