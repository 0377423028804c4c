import { KeyedMutex, Mutex } from './keyed-mutex';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedMutex', () => {
  it('runs holders of one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const gate = deferred();
    const first = mutex.run('a', async () => {
      order.push('first:start');
      await gate.promise;
      order.push('first:end');
      return 1;
    });
    const second = mutex.run('a', async () => {
      order.push('second');
      return 2;
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['first:start']);
    gate.resolve();
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    expect(order).toEqual(['first:start', 'first:end', 'second']);
  });

  it('lets different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const held = mutex.run('a', () => gate.promise);
    await expect(mutex.run('b', async () => 'b ran')).resolves.toBe('b ran');
    gate.resolve();
    await held;
  });

  it('releases the key when a holder fails, and gives the error to that caller only', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('a', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('a', async () => 'next ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next ran');
  });

  it('forgets a key once nobody holds or waits for it', async () => {
    const mutex = new KeyedMutex();
    const gate = deferred();
    const held = mutex.run('a', () => gate.promise);
    expect(mutex.busy('a')).toBe(true);
    gate.resolve();
    await held;
    expect(mutex.busy('a')).toBe(false);
  });
});

describe('Mutex', () => {
  it('serialises every holder', async () => {
    const mutex = new Mutex();
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        mutex.run(async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 2));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(mutex.busy).toBe(false);
  });
});
