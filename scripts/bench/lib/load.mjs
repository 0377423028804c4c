// HTTP load with autocannon (a devDependency): a warm-up run that is thrown away, then the measured run.
import autocannon from 'autocannon';

function once(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * @returns {Promise<{rps:number,p50:number,p99:number,requests:number,non2xx:number,errors:number,timeouts:number}>}
 * Latencies in ms (autocannon records every request in an HDR histogram).
 */
export async function measure(url, { duration, connections, warmup, headers = {} }) {
  if (warmup > 0) await once({ url, connections, duration: warmup, headers });
  const r = await once({ url, connections, duration, headers });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}
