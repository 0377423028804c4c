import { z } from 'zod';

/**
 * Schemas of secret values: passwords, tokens, TOTP secrets and codes, webhook keys, passphrases.
 * The audit log redacts exactly the fields whose schema is marked here (never by key name), so a
 * field called `passivePortMin` is shown and a password under any name is not.
 */
export const secretFields = z.registry<{ secret: true }>();

/**
 * Marks a schema as a secret. The mark survives what clones a schema (`.describe()`, `.min()`);
 * wrappers such as `.optional()` or `.nullable()` are looked through by whoever walks the schema.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  secretFields.add(schema, { secret: true });
  return schema;
}

/** True when this schema itself (not a wrapper around it) was marked with secret(). */
export function isSecretSchema(schema: z.core.$ZodType): boolean {
  return secretFields.get(schema)?.secret === true;
}

export const FieldError = z
  .object({
    field: z.string().describe('Dotted path of the offending field, for example `clients.0.host`; empty for the whole body.'),
    message: z.string().describe('What is wrong with it, for a person.'),
  })
  .describe('One problem with one input field.');
export type FieldError = z.infer<typeof FieldError>;

export const ErrorCode = z.enum([
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'LOCKED',
  'RATE_LIMITED',
  'APPLY_FAILED',
  'UNAVAILABLE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorResponse = z
  .object({
    statusCode: z.number().int().describe('The HTTP status, repeated.'),
    code: ErrorCode.describe('Stable machine-readable error code.'),
    message: z.string().describe('A sentence for a person.'),
    requestId: z.string().describe('The request id (also in the `X-Request-ID` header) to find the log lines.'),
    errors: z.array(FieldError).optional().describe('Per-field problems, for validation errors.'),
    details: z.record(z.string(), z.unknown()).optional().describe('Extra facts, for example the dependants that block a delete.'),
  })
  .describe('The body of every error response.');
export type ErrorResponse = z.infer<typeof ErrorResponse>;

export const IdParams = z.object({ id: z.string().uuid().describe('Object id (UUID).') });
export type IdParams = z.infer<typeof IdParams>;

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1).describe('1-based page number.'),
  pageSize: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page (at most 500).'),
  search: z.string().max(200).optional().describe('Case-insensitive substring filter.'),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('Items matching the filter, across all pages.'),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export const DryRunQuery = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('When true, nothing is written: the response carries the diff of each file the change would make.'),
});
export type DryRunQuery = z.infer<typeof DryRunQuery>;
