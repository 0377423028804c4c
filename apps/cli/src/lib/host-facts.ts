import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export type DataDirState = 'writable' | 'missing' | 'unwritable';

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function writable(dir: string): Promise<boolean> {
  try {
    await fs.access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A missing data dir is fine when the app can create it: its nearest existing ancestor is writable. */
export async function dataDirState(dataDir: string): Promise<DataDirState> {
  if (await exists(dataDir)) return (await writable(dataDir)) ? 'writable' : 'unwritable';
  let dir = path.dirname(dataDir);
  while (!(await exists(dir)) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return (await writable(dir)) ? 'missing' : 'unwritable';
}
