import type { Dataset } from '@moxnas/contracts';

/** A dataset `media` on pool ...b1 as the API lists it; each test overrides what it is about. */
export function datasetFixture(overrides: Partial<Dataset> = {}): Dataset {
  return {
    id: '00000000-0000-4000-8000-0000000000d1',
    poolId: '00000000-0000-4000-8000-0000000000b1',
    parentId: null,
    name: 'media',
    path: '/mnt/tank/media',
    relativePath: 'media',
    backend: 'directory',
    snapshotDriver: 'copy',
    owner: { uid: 0, name: 'root' },
    group: { gid: 0, name: 'root' },
    mode: '0755',
    acl: [],
    quotaBytes: null,
    quotaKind: null,
    quotaExceeded: false,
    usedBytes: null,
    usedBytesAt: null,
    usedComplete: true,
    comment: null,
    previousVersions: { mountpoint: '/mnt/tank/media', snapdir: '.snap', format: '%Y' },
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}
