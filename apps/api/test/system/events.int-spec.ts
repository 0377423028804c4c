import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../support/test-app';
import { adminToken, ADMIN_PASSWORD, userSession } from '../users/users-kit';

interface Message {
  type: string;
  data: Record<string, unknown>;
}

/** Connects to /api/events, authenticates with the first message and collects what arrives. */
async function subscribe(url: string, token: string): Promise<{ messages: Message[]; ready: Promise<Message>; close: () => void; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/events`);
  const messages: Message[] = [];
  let resolveReady!: (m: Message) => void;
  const ready = new Promise<Message>((r) => (resolveReady = r));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as Message;
    if (m.type === 'ready') resolveReady(m);
    else messages.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'auth', token }));
  return { messages, ready, close: () => ws.close(), closed };
}

describe('events WebSocket', () => {
  let app: TestApp;
  let admin: string;
  beforeAll(async () => {
    app = await startTestApp({ listen: true, env: { MOXNAS_ADMIN_PASSWORD: ADMIN_PASSWORD, MOXNAS_HOST_ACCOUNTS: 'off', MOXNAS_TRUST_PROXY: '1' } });
    admin = await adminToken(app);
  });
  afterAll(() => app?.close());

  it('refuses a connection whose first message is not a valid credential', async () => {
    const bad = await subscribe(app.url, 'not-a-token');
    expect(await bad.closed).toBe(4401);
  });

  it('pushes job progress of an apply to the admin who started it, and hides operator events from a viewer', async () => {
    const viewer = await userSession(app, admin, 'viewer');
    const adminWs = await subscribe(app.url, admin);
    const viewerWs = await subscribe(app.url, viewer.token);
    expect((await adminWs.ready).data['role']).toBe('admin');
    expect((await viewerWs.ready).data['role']).toBe('viewer');

    const res = await app.request({ method: 'PUT', url: '/api/services/smb/settings', token: admin, body: { serverString: 'Events test' } });
    expect(res.status).toBe(200);
    const deadline = Date.now() + 5000;
    while (!adminWs.messages.some((m) => m.type === 'job.finished') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const progress = adminWs.messages.filter((m) => m.type === 'job.progress' && String(m.data['type']).startsWith('config.apply'));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const percents = progress.map((m) => Number(m.data['progress']));
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(adminWs.messages.some((m) => m.type === 'job.finished')).toBe(true);

    // Viewers see that a service changed, not the operator-level job stream.
    expect(viewerWs.messages.some((m) => m.type === 'service.applied')).toBe(true);
    expect(viewerWs.messages.filter((m) => m.type.startsWith('job.'))).toEqual([]);
    adminWs.close();
    viewerWs.close();
  });
});
