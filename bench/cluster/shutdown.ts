// SIGTERM under a steady stream of requests (keep-alive on and off, slow requests, one idle keep-alive socket),
// against serveCluster and the hand-written cluster of naive.ts, in the same run: what each client saw.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { get, type Outcome } from '../../test/helpers/requests.js';
import { freePort } from '../../test/helpers/ports.js';

interface Tally {
  ok: number;
  s503: number;
  otherStatus: number;
  refused: number;
  reset: number;
  hung: number;
  exitCode: number | null;
  shutdownMs: number;
  idleClosed: boolean;
}

async function runOne(kind: 'loopsafe' | 'naive', workers: number, limitMs: number): Promise<Tally> {
  const port = await freePort();
  const script = new URL(kind === 'loopsafe' ? './server.js' : './naive.js', import.meta.url).pathname;
  const args = kind === 'loopsafe' ? ['cluster', String(workers), String(port)] : [String(workers)];
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NAIVE_PORT: String(port) } });
  await once(createInterface({ input: child.stdout! }), 'line');
  const exited = once(child, 'exit').then(([code]) => code as number | null);

  const tally: Tally = { ok: 0, s503: 0, otherStatus: 0, refused: 0, reset: 0, hung: 0, exitCode: null, shutdownMs: 0, idleClosed: false };
  const count = (o: Outcome): void => {
    if (o.kind === 'response') {
      if (o.status === 200) tally.ok++;
      else if (o.status === 503) tally.s503++;
      else tally.otherStatus++;
    } else if (o.code === 'ECONNREFUSED') tally.refused++;
    else if (o.code === 'HUNG') tally.hung++;
    else tally.reset++;
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  let stop = false;
  const loop = async (path: string, a: Agent | false): Promise<void> => {
    while (!stop) {
      const o = await get(port, path, a, 5000);
      count(o);
      if (o.kind === 'error' && o.code === 'ECONNREFUSED') await new Promise((r) => setTimeout(r, 20));
    }
  };
  // One client that keeps an idle keep-alive socket open after its first response.
  const idle = connect({ host: '127.0.0.1', port }, () => idle.write('GET /hello HTTP/1.1\r\nHost: x\r\n\r\n'));
  idle.on('error', () => {});
  idle.resume();
  const idleClosed = once(idle, 'close').then(() => (tally.idleClosed = true));
  const loops = [loop('/hello', agent), loop('/hello', agent), loop('/hello', false), loop('/hello', false), loop('/slow?ms=500', agent), loop('/slow?ms=500', false)];
  // 1.25 s: the 500 ms requests are mid-flight, not about to finish.
  await new Promise((r) => setTimeout(r, 1250));
  const t0 = Date.now();
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'limit'>((r) => setTimeout(() => r('limit'), limitMs))]);
  tally.shutdownMs = Date.now() - t0;
  if (code === 'limit') child.kill('SIGKILL');
  tally.exitCode = code === 'limit' ? null : code;
  stop = true;
  await Promise.all(loops);
  void idleClosed;
  idle.destroy();
  agent.destroy();
  return tally;
}

/** Print the shutdown comparison. */
export async function benchShutdown(workers: number, limitMs: number): Promise<void> {
  console.log(`\nSIGTERM after 1.25 s of steady load (${workers} workers; 2 keep-alive, 2 fresh-connection and 2 slow-request loops, 1 idle keep-alive socket); ` +
    `every request that could not connect is retried after 20 ms until the process is gone; a run is cut at ${limitMs / 1000} s`);
  console.log('| server | exit | shutdown | 200 | 503 | other status | reset / hang-up | refused | hung (5 s) | idle socket closed by server |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const kind of ['loopsafe', 'naive'] as const) {
    const r = await runOne(kind, workers, limitMs);
    const name = kind === 'loopsafe' ? 'loopsafe serveCluster' : 'hand-written node:cluster, SIGTERM forwarded in turn';
    console.log(`| ${name} | ${r.exitCode ?? 'did not exit'} | ${(r.shutdownMs / 1000).toFixed(2)} s | ${r.ok} | ${r.s503} | ${r.otherStatus} | ${r.reset} | ${r.refused} | ${r.hung} | ${r.idleClosed ? 'yes' : 'no'} |`);
  }
}
