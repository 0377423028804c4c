/**
 * Issue 14, defect 12: the usage pass read "the datasets could not be listed" as "there are no
 * datasets", so soft quotas silently went unenforced. Now the pass fails, and the scheduled pass
 * logs it as an error.
 */
import { DataSource } from 'typeorm';
import { DatasetUsageService } from '../../src/modules/storage/datasets/dataset-usage.service';
import { testBackend } from '../support/test-db';
import { startStorageApp, type StorageApp } from './storage-kit';

describe(`dataset usage pass (${testBackend()} database)`, () => {
  let app: StorageApp;

  beforeAll(async () => {
    app = await startStorageApp();
  });
  afterAll(() => app?.close());

  it('fails when the datasets cannot be read, instead of measuring nothing', async () => {
    const usage = app.app.get(DatasetUsageService);
    await expect(usage.measureAll()).resolves.toBeUndefined();
    const db = app.app.get(DataSource);
    await db.query('ALTER TABLE storage_datasets RENAME TO storage_datasets_away');
    try {
      await expect(usage.measureAll()).rejects.toThrow(/storage_datasets/);
    } finally {
      await db.query('ALTER TABLE storage_datasets_away RENAME TO storage_datasets');
    }
    await expect(usage.measureAll()).resolves.toBeUndefined();
  });
});
