import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '@moxnas/host';

/**
 * One operation at a time per dataset id (snapshot, delete, restore, measure): a copy snapshot taken
 * while a restore rewrites the tree would capture half of each. Later callers wait their turn.
 */
@Injectable()
export class DatasetLocks extends KeyedMutex<string> {}
