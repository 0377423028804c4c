import type { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; byte counts stay well inside Number.MAX_SAFE_INTEGER. */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? null : Number(v)),
};
