import { Injectable } from '@nestjs/common';

/**
 * Serialises account changes: uniqueness checks, id allocation and the host commands of one change
 * must not interleave with another's (useradd and friends also lock /etc/passwd themselves and
 * would fail rather than wait). A NAS has one API instance; the database's unique constraints
 * remain the last guard.
 */
@Injectable()
export class AccountsLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
