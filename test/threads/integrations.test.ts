import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedis } from '../helpers/redis.js';

// loopsafe's own integrations pass loopsafe's own monitor in mode throw, with every major version in their peer
// range, each in a fresh process (real redis-server, real ioredis packages).
const fixture = fileURLToPath(new URL('./fixtures/redis-cache.js', import.meta.url));

interface Result {
  version: string;
  booted: boolean;
  code?: string;
  message?: string;
}

function boot(env: Record<string, string>): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [fixture], { timeout: 20_000, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as Result);
      } catch {
        reject(new Error(`no JSON (${String(error)}): ${stdout}\n${stderr}`));
      }
    });
  });
}

test.serial('the Redis cache boots under a throw-mode monitor with ioredis 5 (latest) and ioredis 6', async (t) => {
  const redis = await startRedis(t);
  const five = await boot({ REDIS_URL: redis.url, IOREDIS_PACKAGE: 'ioredis5' });
  t.regex(five.version, /^5\./);
  t.true(five.booted, five.message);
  const six = await boot({ REDIS_URL: redis.url, IOREDIS_PACKAGE: 'ioredis' });
  t.regex(six.version, /^6\./);
  t.true(six.booted, six.message);
});

test.serial("with ioredis 5's client info turned back on, the failure names the package and a fix that fits a library", async (t) => {
  const redis = await startRedis(t);
  const r = await boot({ REDIS_URL: redis.url, IOREDIS_PACKAGE: 'ioredis5', CLIENT_INFO: 'on' });
  t.false(r.booted);
  t.is(r.code, 'LOOPSAFE_ERR_THREAD_OFFLOAD');
  t.true(r.message?.includes('inside the package ioredis5'), r.message);
  t.true(r.message?.includes('look for an option of ioredis5'), r.message);
  t.false(r.message?.includes('read the file before boot'), r.message);
});
