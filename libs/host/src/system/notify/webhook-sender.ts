export interface WebhookRequest {
  url: string;
  /** The exact bytes that were signed; sent as is. */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface WebhookResult {
  /** True for a 2xx answer. */
  ok: boolean;
  /** HTTP status, or null when no answer came (refused, timeout, DNS). */
  status: number | null;
  /** Start of the answer body or the network error, for the delivery log. */
  detail: string;
  durationMs: number;
}

/** Sends webhook POSTs. Alerts depend on this interface; unit tests pass a fake. */
export interface WebhookSender {
  post(request: WebhookRequest): Promise<WebhookResult>;
}

const DETAIL_MAX = 500;

/** The real sender: one POST with a deadline; redirects are not followed (a 3xx is a failure). */
export class FetchWebhookSender implements WebhookSender {
  constructor(private readonly now: () => number = () => performance.now()) {}

  async post(request: WebhookRequest): Promise<WebhookResult> {
    const started = this.now();
    const took = () => Math.round(this.now() - started);
    try {
      const res = await fetch(request.url, {
        method: 'POST',
        body: request.body,
        headers: { 'content-type': 'application/json', ...request.headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      const text = await res.text().catch(() => '');
      return { ok: res.status >= 200 && res.status < 300, status: res.status, detail: text.slice(0, DETAIL_MAX), durationMs: took() };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const detail =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `no answer within ${request.timeoutMs} ms`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { ok: false, status: null, detail: String(detail).slice(0, DETAIL_MAX), durationMs: took() };
    }
  }
}
