/** Runs at most `concurrency` async operations at once; the rest wait their turn in order. */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      // The finishing operation hands its slot straight to us (see below), so `active` stays put.
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await op();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
