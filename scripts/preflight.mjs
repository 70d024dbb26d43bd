#!/usr/bin/env node
// The first step of `npm test`: the suite runs real tools, and without them 33 tests would fail one by one, each
// with its own error, after a full build. This stops at once instead, with one message that names every missing
// tool and the command that installs them (the one .ci/run uses). Plain JavaScript with no dependencies, so it runs
// on whatever Node npm was started with (the machine's own may be older than the pinned one), before anything is
// built.
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The one command that installs every tool below on Debian or Ubuntu, as .ci/run does. */
export const INSTALL = 'apt-get update && apt-get install -y redis-server redis-tools chromium';

/** Where test/graph/browser.test.ts launches Chromium from (Debian's package puts it there). */
export const CHROMIUM = '/usr/bin/chromium';

function executable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name, path) {
  return path.split(delimiter).some((dir) => dir !== '' && executable(join(dir, name)));
}

/**
 * The tools the suite needs that this machine lacks, each with why the suite needs it. `path` is a PATH value;
 * `chromium` the browser's fixed location.
 */
export function missing({ path = process.env.PATH ?? '', chromium = CHROMIUM } = {}) {
  const tools = [
    { name: 'redis-server', where: 'on PATH', found: onPath('redis-server', path), why: 'the shared-cache tests start their own Redis' },
    { name: 'redis-cli', where: 'on PATH', found: onPath('redis-cli', path), why: 'the Redis Cluster tests join their nodes with it' },
    { name: 'chromium', where: `at ${chromium}`, found: executable(chromium), why: 'the graph page is tested in a real browser' },
  ];
  return tools.filter((tool) => !tool.found);
}

/** The message `npm test` stops with. */
export function message(absent) {
  return [
    `npm test needs ${absent.length === 1 ? 'a tool' : 'tools'} this machine does not have:`,
    ...absent.map((tool) => `  - ${tool.name} (not found ${tool.where}): ${tool.why}`),
    'Install them (Debian or Ubuntu, as root), then run npm test again:',
    `  ${INSTALL}`,
    '',
  ].join('\n');
}

// Run as a script (not imported by its test): check this machine.
if (process.argv[1] !== undefined && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  const absent = missing();
  if (absent.length > 0) {
    process.stderr.write(message(absent));
    process.exitCode = 1;
  }
}
