import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

/** What a service tells the audit log about the change a request made. */
export interface AuditDetail {
  /** What was acted on, for example `user:alice`. */
  target?: string;
  before?: unknown;
  after?: unknown;
  /** The actor when the request had no authenticated caller (login names the account tried). */
  actor?: { id: string | null; username: string };
}

const storage = new AsyncLocalStorage<AuditDetail>();

/**
 * Lets services describe the change of the current request without knowing about HTTP. The audit
 * scope hook opens one record per mutating request; elsewhere (reads, CLI, boot) describe() is a
 * no-op.
 */
@Injectable()
export class AuditContext {
  run<T>(detail: AuditDetail, fn: () => T): T {
    return storage.run(detail, fn);
  }

  describe(detail: AuditDetail): void {
    const current = storage.getStore();
    if (current) Object.assign(current, detail);
  }
}
