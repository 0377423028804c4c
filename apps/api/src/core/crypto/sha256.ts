import { createHash } from 'node:crypto';

/** Hex SHA-256 of a UTF-8 string: config revision hashes, drift checks and stored token hashes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
