import test from 'ava';
import { readFile } from 'node:fs/promises';
import { createContainer, createThreadMonitor, provide, token } from '../../src/index.js';
import { checkThreadLeaks } from './codes.js';

const self = new URL(import.meta.url);
const Config = token<number>('Config');
const providers = [provide(Config, { lifetime: 'transient', useFactory: async () => (await readFile(self)).length })];

test.serial('a container created before the block is watched through its monitor, even one in mode off', async (t) => {
  const monitor = createThreadMonitor({ mode: 'off' });
  t.teardown(() => monitor.close());
  const container = createContainer({ providers, observer: monitor });
  t.false(monitor.active); // costs nothing outside a check
  const report = await checkThreadLeaks(() => container.resolve(Config));
  t.false(monitor.active); // and nothing again after it
  t.false(report.ok);
  t.deepEqual([...new Set(report.offloads.map((o) => o.path.join(' > ')))], ['Config']);
});

test.serial('a container created before the block without a monitor is not attributed, and the report says so', async (t) => {
  const container = createContainer({ providers });
  const report = await checkThreadLeaks(() => container.resolve(Config));
  t.true(report.ok);
  t.deepEqual(report.offloads, []);
  t.true(report.notChecked.some((line) => line.includes('created before the block without a thread monitor')));
});

test.serial('a container created inside the block needs no monitor: the check watches it', async (t) => {
  const report = await checkThreadLeaks(() => createContainer({ providers }).resolve(Config));
  t.false(report.ok);
  t.is(report.offloads[0]?.kind, 'fs');
});
