import type { ErrorCode, FieldError } from '@moxnas/contracts';

/**
 * A failure the caller can act on. Services throw these; the exception filter maps the code to an
 * HTTP status in one place. Keep "your input is wrong" (VALIDATION_FAILED) apart from
 * "a valid operation failed" (APPLY_FAILED, UNAVAILABLE).
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldError[],
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(errors: FieldError[], message = 'The input is not valid.'): DomainError {
    return new DomainError('VALIDATION_FAILED', message, errors);
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} was not found.`);
  }

  static conflict(message: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('CONFLICT', message, undefined, details);
  }

  static unavailable(message: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('UNAVAILABLE', message, undefined, details);
  }
}

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'VALIDATION_FAILED':
      return 422;
    case 'LOCKED':
      return 423;
    case 'RATE_LIMITED':
      return 429;
    case 'APPLY_FAILED':
      return 502;
    case 'UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
    default: {
      const exhaustive: never = code;
      return exhaustive;
    }
  }
}
