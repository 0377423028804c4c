const SECRET_KEY = /pass(word|phrase)?|secret|token|hash|totp|^code$|cookie|authorization|otpauth/i;
/** Names that merely mention a secret: timestamps, switches, ids and counters about it. */
const ABOUT_SECRET = /(At|Enabled|Id|Version|Required)$/;
const MAX_DEPTH = 8;

/**
 * A copy safe to store in the audit log: values under secret-looking keys become "[redacted]";
 * dates become ISO strings; depth and array length are bounded.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : String(value);
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const secret = SECRET_KEY.test(key) && !ABOUT_SECRET.test(key) && v !== null && v !== undefined && typeof v !== 'boolean';
    out[key] = secret ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/** redact(), as the JSON object an audit column holds. */
export function redactToObject(value: unknown): Record<string, unknown> | null {
  const safe = redact(value);
  if (safe === null) return null;
  return typeof safe === 'object' && !Array.isArray(safe) ? (safe as Record<string, unknown>) : { value: safe };
}
