import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTemplate } from '../../../../api/test/support/test-db';

export default async function globalSetup(): Promise<void> {
  Object.assign(process.env, await createTemplate());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'moxnas-reliability-'));
  process.env['MOXNAS_RELIABILITY_COUNTS'] = path.join(dir, 'counts.jsonl');
}
