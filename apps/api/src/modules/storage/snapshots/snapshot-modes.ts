import { Injectable } from '@nestjs/common';
import type { ModeMap, SnapshotDriver, SnapshotTarget } from '@moxnas/host';

/** Mode manifests of recently browsed snapshots (a manifest can hold a million lines). */
@Injectable()
export class SnapshotModeCache {
  private readonly cache = new Map<string, Promise<ModeMap>>();

  get(snapshotId: string, driver: SnapshotDriver, target: SnapshotTarget, name: string): Promise<ModeMap> {
    let cached = this.cache.get(snapshotId);
    if (!cached) {
      cached = driver.originalModes(target, name);
      cached.catch(() => this.cache.delete(snapshotId));
      this.cache.set(snapshotId, cached);
      // Two manifests at most: browsing moves between a snapshot or two at a time.
      while (this.cache.size > 2) this.cache.delete(this.cache.keys().next().value as string);
    }
    return cached;
  }

  /** A deleted snapshot's manifest goes with it. */
  forget(snapshotId: string): void {
    this.cache.delete(snapshotId);
  }
}
