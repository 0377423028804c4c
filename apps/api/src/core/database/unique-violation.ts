import { QueryFailedError } from 'typeorm';

/** Unique-constraint violations that slipped past the checks (another instance, a race) are conflicts. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && (err.driverError as { code?: string } | undefined)?.code === '23505';
}
