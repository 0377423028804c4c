import { Injectable } from '@nestjs/common';
import { Mutex } from '@moxnas/host';

/**
 * Serialises account changes: uniqueness checks, id allocation and the host commands of one change
 * must not interleave with another's (useradd and friends also lock /etc/passwd themselves and
 * would fail rather than wait). A NAS has one API instance; the database's unique constraints
 * remain the last guard. A failed change releases the lock like a successful one.
 */
@Injectable()
export class AccountsLock extends Mutex {}
