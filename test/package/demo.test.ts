// `npm run demo` is how a reader first meets loopsafe; stopping npm (a process manager's SIGTERM) must stop the demo
// server too, drained, rather than leave it orphaned behind a shell that does not forward the signal.
import test from 'ava';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/ports.js';
import { spawnNpm } from './npm.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

test('SIGTERM to `npm run demo` reaches the demo server, which drains and exits 0 and closes its port', async (t) => {
  const port = await freePort();
  // --ignore-scripts skips only the predemo build (npm test has just built dist/); the demo script itself runs as is.
  // A process group of its own, so teardown can kill whatever is left (an orphaned server included) in one go.
  const npm = spawnNpm(['run', 'demo', '--ignore-scripts'], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  t.teardown(() => {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => npm.once('exit', (code, signal) => resolve(code ?? signal!)));
  const lines: Record<string, unknown>[] = [];
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: npm.stdout! }).on('line', (text) => {
      if (!text.startsWith('{')) return; // npm's own banner
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      if (typeof line['url'] === 'string') resolve(line);
    });
    void exited.then((code) => reject(new Error(`npm run demo exited (${code}) before listening`)));
  });
  const line = await listening;
  const serverPid = line['pid'] as number;
  t.not(serverPid, npm.pid, 'the server is a process of its own under npm');
  t.false(await refused(port));

  npm.kill('SIGTERM');
  t.is(await exited, 0);
  t.false(alive(serverPid), 'the demo server exited with npm');
  t.true(lines.some((l) => l['msg'] === 'loopsafe: shutdown complete' && l['code'] === 0));
  t.true(await refused(port));
});
