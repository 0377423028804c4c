import { Injectable } from '@nestjs/common';

/**
 * One operation at a time per dataset (snapshot, delete, restore, measure): a copy snapshot taken
 * while a restore rewrites the tree would capture half of each. Later callers wait their turn.
 */
@Injectable()
export class DatasetLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(datasetId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(datasetId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(fn);
    const tail = current.catch(() => undefined);
    this.tails.set(datasetId, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(datasetId) === tail) this.tails.delete(datasetId);
    }
  }

  busy(datasetId: string): boolean {
    return this.tails.has(datasetId);
  }
}
