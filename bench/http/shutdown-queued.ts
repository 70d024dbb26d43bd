// The accept-queue case: the server process is stopped (SIGSTOP, as a long GC pause or a blocked loop would hold
// it), 8 clients connect and send a request (the kernel queues them), then SIGTERM and SIGCONT. Counts how many
// of the 8 were answered and how many were reset when the listener closed.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** Connect, send one request, resolve with the status code or the error code. */
function queuedRequest(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write('GET /work HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0) || 'closed without answer'));
  });
}

async function stopped(pid: number): Promise<void> {
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** One run against the setup `name` of shutdown-server.js. */
export async function runQueued(script: string, name: string): Promise<{ answered: number; reset: number; exit: number | string }> {
  const child = spawn(process.execPath, [script, name], { stdio: ['ignore', 'pipe', 'ignore'] });
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const { port } = JSON.parse(line) as { port: number };
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig ?? '?')));
  child.kill('SIGSTOP');
  await stopped(child.pid!);
  const results = Array.from({ length: 8 }, () => queuedRequest(port));
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the kernel complete the handshakes
  child.kill('SIGTERM');
  child.kill('SIGCONT');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const outcomes = await Promise.all(results);
  const exit = await exited;
  clearTimeout(timeout);
  return { answered: outcomes.filter((o) => o === 200).length, reset: outcomes.filter((o) => o !== 200).length, exit };
}
