import { EventsService, type AppEvent } from '../../src/modules/system/events/events.service';
import { JobsService } from '../../src/modules/system/jobs/jobs.service';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/tcp-proxy';

describe('jobs', () => {
  let app: TestApp;
  let jobs: JobsService;
  beforeAll(async () => {
    app = await startTestApp();
    jobs = app.app.get(JobsService);
  });
  afterAll(() => app?.close());

  it('persists progress, log lines and the result, and announces progress as events', async () => {
    const seen: AppEvent[] = [];
    const off = app.app.get(EventsService).subscribe((e) => seen.push(e));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { job, done } = await jobs.start('test.work', async (ctx) => {
      ctx.log('starting');
      ctx.progress(40, 'forty');
      await gate;
      ctx.progress(90, 'ninety');
      return { answer: 42 };
    }, { actor: 'tester' });
    expect(job.state).toBe('running');
    await waitFor(() => jobs.get(job.id), (j) => j.progress === 40 && j.message === 'forty', 5000);
    release();
    const finished = await done;
    // With Redis, events arrive through pub/sub: wait for the last one before unsubscribing.
    await waitFor(async () => seen.some((e) => e.type === 'job.finished'), (v) => v, 5000, 20);
    off();
    expect(finished).toMatchObject({ state: 'succeeded', progress: 100, result: { answer: 42 }, actor: 'tester' });
    const stored = await jobs.get(job.id);
    expect(stored.state).toBe('succeeded');
    expect(stored.log.map((l) => l.message)).toEqual(['starting']);
    expect(stored.finishedAt).not.toBeNull();
    expect(seen.filter((e) => e.type === 'job.progress').map((e) => (e.data as { progress: number }).progress)).toEqual([40, 90]);
    expect(seen.some((e) => e.type === 'job.finished')).toBe(true);
  });

  it('records a failure with its message', async () => {
    const { done } = await jobs.start('test.fail', async () => {
      throw new Error('disk on fire');
    });
    expect(await done).toMatchObject({ state: 'failed', error: 'disk on fire' });
  });

  it('cancels a running job at its next checkpoint and refuses to cancel a finished one', async () => {
    const { job, done } = await jobs.start('test.long', async (ctx) => {
      for (;;) {
        ctx.checkpoint();
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    const requested = await jobs.cancel(job.id);
    expect(requested.cancelRequested).toBe(true);
    expect((await done).state).toBe('cancelled');
    await expect(jobs.cancel(job.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('lists newest first with a state filter', async () => {
    const page = await jobs.list({ page: 1, pageSize: 50, state: 'failed' });
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    expect(page.items.every((j) => j.state === 'failed')).toBe(true);
    const all = await jobs.list({ page: 1, pageSize: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThanOrEqual(3);
    expect(Date.parse(all.items[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(all.items[1].createdAt));
  });
});
