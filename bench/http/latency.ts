// Open-loop load at a fixed rate, for the latency a client sees from a server that keeps up (run.ts's fixed-rate
// phase). autocannon cannot give it: its -R sends each connection's quota for the second as fast as it can, then
// waits (bursts of saturation), and its histogram counts whole milliseconds, while an unsaturated /hello answers in
// a fraction of one.
//
// usage: node latency.js <rate req/s> <seconds measured> <connections> <port> [<port> ...]
// Warms itself up on the first port (its own JIT compiles on its own core: a fresh client stalls for several ms at
// a time in its first seconds), then measures each port in turn and prints one JSON line per port: latency
// percentiles in ms, each request counted from the moment it was due, not when it was sent (a client or a
// connection pool that falls behind is counted as latency, so a server that stalls cannot hide the requests it
// delayed: no coordinated omission), and how late the client sent (its own stalls, and the machine's).
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'node:http';
import { bucketOf, type Latency } from './histogram.js';

const [rate, seconds, connections, ...ports] = process.argv.slice(2).map(Number) as [number, number, number, ...number[]];
if (![rate, seconds, connections, ...ports].every((n) => Number.isInteger(n) && n > 0) || ports.length === 0) {
  throw new Error('usage: latency.js <rate> <seconds> <connections> <port> [<port> ...]');
}

const percentile = (sorted: Float64Array, p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** `rate` req/s to GET /hello on `port` for `secs`, over `connections` keep-alive connections. */
function run(port: number, secs: number): Promise<Latency> {
  // node:http rather than undici: undici's per-request promises and body streams made this client pause for
  // mark-compacts of several ms at 3,000 req/s here, which then counted as the server's latency.
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const gap = 1000 / rate; // ms between two requests' due times
  const total = Math.round(rate * secs);
  const latency = new Float64Array(total);
  const lag = new Float64Array(total);
  let sent = 0;
  let done = 0;
  let failed = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const settle = (k: number, due: number): void => {
      latency[k] = performance.now() - due;
      if (++done < total) return;
      agent.destroy();
      const sorted = latency.sort();
      const histogram = new Map<number, number>();
      for (const ms of sorted) {
        const bucket = bucketOf(ms);
        histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
      }
      const lags = lag.sort();
      resolve({
        requests: total,
        failed,
        p50: round(percentile(sorted, 50)),
        p90: round(percentile(sorted, 90)),
        p99: round(percentile(sorted, 99)),
        p999: round(percentile(sorted, 99.9)),
        max: round(sorted[total - 1]!),
        sendLagP99: round(percentile(lags, 99)),
        histogram: [...histogram],
      });
    };
    const send = (k: number, due: number): void => {
      const req = request({ host: '127.0.0.1', port, path: '/hello', agent }, (res) => {
        if (res.statusCode !== 200) failed++;
        res.on('end', () => settle(k, due));
        res.resume();
      });
      req.on('error', () => {
        failed++;
        settle(k, due);
      });
      req.end();
    };
    // Send every request due by now, then come back on the next turn of the loop (this core is the client's).
    const tick = (): void => {
      const now = performance.now();
      for (let due = start + sent * gap; sent < total && due <= now; due = start + sent * gap) {
        lag[sent] = now - due;
        send(sent++, due);
      }
      if (sent < total) setImmediate(tick);
    };
    tick();
  });
}

await run(ports[0]!, 3); // the client's own warm-up, discarded
for (const port of ports) {
  await run(port, 1); // the server's, at this rate on fresh connections
  process.stdout.write(`${JSON.stringify(await run(port, seconds))}\n`);
}
