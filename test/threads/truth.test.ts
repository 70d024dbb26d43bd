import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LeakReport, OffloadFinding } from '../../src/testing/index.js';

// Each case runs in a fresh process (fixtures/truth.ts) with real packages: threads and the pool are per process.
const fixture = fileURLToPath(new URL('./fixtures/truth.js', import.meta.url));

interface Failure {
  resolved?: true;
  code?: string;
  path?: string[];
  work?: OffloadFinding[];
  message?: string;
  cause: { code?: string; message?: string };
}

let running = 0;
const waiting: (() => void)[] = [];

/** Run one case; `exit` is how the process ended (a process that hangs is killed after 20 s, and says so). */
async function run<T>(name: string): Promise<{ value: T; exit: number | string }> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve, reject) => {
      execFile(process.execPath, [fixture, name], { timeout: 20_000, env: { ...process.env, UV_THREADPOOL_SIZE: '4' } }, (error, stdout, stderr) => {
        const exit = error === null ? 0 : ((error as { signal?: string }).signal ?? (error as { code?: number }).code ?? 'error');
        try {
          resolve({ value: JSON.parse(stdout) as T, exit });
        } catch {
          reject(new Error(`case ${name} printed no JSON (exit ${exit}): ${stdout}\n${stderr}`));
        }
      });
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const native = test.macro(async (t, name: string, type: string, pkg: string) => {
  const { value } = await run<{ report: LeakReport; error: Failure }>(name);
  t.false(value.report.ok);
  t.deepEqual(value.report.offloads.map((o) => [o.kind, o.type, o.path]), [['native', type, ['Service', 'Dep']]]);
  t.is(value.error.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.is(value.error.work?.[0]?.kind, 'native');
  t.true(value.error.work?.[0]?.site?.library?.includes(`/node_modules/${pkg}/`));
  t.true(value.error.message?.includes(`inside the package ${pkg}`), value.error.message);
});

test('argon2.verify in a factory is native pool work (argon2:HashWorker), in the leak check and in throw mode', native, 'argon2-verify', 'argon2:HashWorker', 'argon2');
test('bcrypt.compare in a factory is native pool work (bcrypt:CompareAsyncWorker), not only the salt', native, 'bcrypt-compare', 'bcrypt:CompareAsyncWorker', 'bcrypt');

test('fs.watchFile in a factory is caught when it starts polling, though it never calls back', async (t) => {
  const { value } = await run<{ error: Failure }>('watchfile');
  t.is(value.error.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.deepEqual(value.error.work?.map((w) => [w.kind, w.type]), [['fs', 'STATWATCHER']]);
});

test('throw mode: a factory that offloads then fails rejects with the offload, its own failure as the cause', async (t) => {
  const { value } = await run<Failure>('fail-after-offload');
  t.is(value.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.deepEqual(value.path, ['Service', 'Dep']);
  t.is(value.work?.[0]?.type, 'FSREQPROMISE');
  t.is(value.cause.message, 'boom');
});

test('throw mode: a factory that offloads then times out rejects with the offload, the timeout as the cause', async (t) => {
  const { value } = await run<Failure>('timeout-after-offload');
  t.is(value.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.is(value.work?.[0]?.kind, 'fs');
  t.is(value.cause.code, 'LOOPSAFE_ERR_PROVIDER_TIMEOUT');
});

test('throw mode disposes the instance it rejects: a factory that returned a running Worker does not keep the process alive', async (t) => {
  const { value, exit } = await run<Failure>('worker-instance');
  t.is(value.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.is(value.work?.[0]?.kind, 'worker');
  t.is(exit, 0); // ended by itself: nothing called process.exit, and a running Worker would have kept it alive
});

test('work a server created by a singleton factory does later is reported as that resource\'s, and does not fail a block that started after', async (t) => {
  const { value } = await run<{ report: LeakReport; warnings: string[] }>('later-server');
  t.true(value.report.ok, JSON.stringify(value.report));
  t.deepEqual(value.report.offloads, []);
  const later = value.report.earlierOffloads[0];
  t.is(later?.phase, 'after');
  t.deepEqual(later?.path, ['MetricsServer']);
  t.truthy(later?.by);
  t.true(value.warnings.some((w) => w.includes('created by the factory of MetricsServer') && w.includes('after the factory had settled')));
  t.false(value.warnings.some((w) => w.startsWith('MetricsServer: the factory of')));
});

test('a leak check of a block that only waits passes, though an interval of a singleton built before it reads files', async (t) => {
  const { value } = await run<{ report: LeakReport }>('later-interval');
  t.true(value.report.ok, JSON.stringify(value.report));
  t.is(value.report.earlierOffloads[0]?.by, 'Timeout');
  t.deepEqual(value.report.earlierOffloads[0]?.path, ['Poller']);
});

test('an allow rule lets one provider look up host names in throw mode; other work still fails', async (t) => {
  const { value } = await run<{ db: Failure; config: Failure; allowed: number }>('allow');
  t.true(value.db.resolved, JSON.stringify(value.db));
  t.is(value.config.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.true(value.allowed >= 1);
});

test("an allow rule with when: 'boot' lets Db look up its host while the container boots, and only then", async (t) => {
  const { value } = await run<Record<'eager' | 'dependency' | 'other' | 'lazyBoot' | 'lazyResolve' | 'scopedBoot' | 'scopedResolve', Failure> & { afterEager: number; afterDependency: number; allowed: number }>('allow-boot');
  // Allowed at boot, as an eager singleton and as the dependency of one, and counted as allowed.
  t.true(value.eager.resolved, JSON.stringify(value.eager));
  t.true(value.afterEager >= 1);
  t.true(value.dependency.resolved, JSON.stringify(value.dependency));
  t.true(value.afterDependency > value.afterEager);
  // Refused at boot for another provider.
  t.is(value.other.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.deepEqual(value.other.work?.map((w) => [w.kind, w.path, w.boot]), [['dns', ['Cache'], true]]);
  // Refused after boot: a singleton built lazily, and a request-scoped Db.
  t.true(value.lazyBoot.resolved);
  t.is(value.lazyResolve.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.deepEqual(value.lazyResolve.work?.map((w) => [w.kind, w.path, w.boot]), [['dns', ['Db'], false]]);
  t.true(value.scopedBoot.resolved);
  t.is(value.scopedResolve.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.deepEqual(value.scopedResolve.work?.map((w) => [w.kind, w.path, w.boot]), [['dns', ['Db'], false]]);
  // Refused work is not counted as allowed.
  t.is(value.allowed, value.afterDependency);
});

test('findings tell "started the pool: N new OS threads" from "used the warm pool"', async (t) => {
  const { value } = await run<{ first: Failure; second: Failure }>('cold-pool');
  t.is(value.first.work?.[0]?.newThreads, 4); // UV_THREADPOOL_SIZE=4, and nothing used the pool before
  t.true(value.first.message?.includes('started the pool: 4 new OS threads'));
  t.true(value.second.work?.every((w) => w.newThreads === 0));
});
