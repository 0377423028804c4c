import fs from 'node:fs';
import path from 'node:path';
import { dropTemplate } from '../../../../api/test/support/test-db';
import { totals } from './counts';

export default async function globalTeardown(): Promise<void> {
  await dropTemplate();
  const file = process.env['MOXNAS_RELIABILITY_COUNTS'];
  if (!file) return;
  const t = totals(file);
  process.stdout.write(
    `\nreliability: ${t.requests} requests sent, ${t.faults} faults injected, ${t.inputs} hostile inputs tried, ${t.failures} failures found\n`,
  );
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
