import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Owner } from './redis.js';

/** One cluster event as the fixture primary prints it. */
export interface PrintedEvent {
  readonly type: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

/** A fixture primary running as its own process. */
export interface PrimaryProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly events: PrintedEvent[];
  /** Resolves with the first event (already printed or to come) that matches. */
  event(type: string, match?: (e: PrintedEvent) => boolean): Promise<PrintedEvent>;
  /** Resolves with the exit code when the primary exits. */
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
}

const fixtures = new URL('../cluster/fixtures/', import.meta.url);

/** Start test/cluster/fixtures/primary.js with an app fixture; it is killed in teardown if still running. */
export async function startPrimary(t: Owner, app: string, workers: number, env: Record<string, string> = {}): Promise<PrimaryProcess> {
  const child = spawn(process.execPath, [new URL('primary.js', fixtures).pathname, app, String(workers)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const events: PrintedEvent[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    events.push(JSON.parse(line) as PrintedEvent);
    for (const w of [...waiters]) w();
  });
  const event = (type: string, match: (e: PrintedEvent) => boolean = () => true): Promise<PrintedEvent> =>
    new Promise((resolve, reject) => {
      const look = (): boolean => {
        const found = events.find((e) => e.type === type && match(e));
        if (found === undefined) return false;
        waiters.delete(check);
        resolve(found);
        return true;
      };
      const check = (): void => void look();
      if (look()) return;
      waiters.add(check);
      exited.then((code) => {
        if (!look()) reject(new Error(`the primary exited (${code}) before event ${type}; stderr: ${stderr}`));
      }, reject);
    });
  const listening = await event('listening');
  return { child, port: listening.port as number, events, event, exited, stderr: () => stderr };
}
