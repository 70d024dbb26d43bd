// node dist/bench/monitor/instructions.js — M3 instructions per operation under cachegrind, mode warn against off.
// Unlike time, the count hardly moves when other processes share the machine. (n2 - n1) operations cancel start-up.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const driver = fileURLToPath(new URL('./m3-count.js', import.meta.url));
const [n1, n2] = [20_000, 120_000];

async function count(variant: string, n: number): Promise<number> {
  const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', driver, variant, String(n)];
  const { stderr } = await exec('valgrind', args, { maxBuffer: 1 << 24 });
  const match = /I\s+refs:\s+([\d,]+)/.exec(stderr);
  if (match === null) throw new Error(`cachegrind printed no instruction count:\n${stderr.slice(-500)}`);
  return Number(match[1]!.replaceAll(',', ''));
}

const per: Record<string, number> = {};
for (const variant of ['off', 'warn']) per[variant] = ((await count(variant, n2)) - (await count(variant, n1))) / (n2 - n1);
console.log(`M3 instructions per operation, Node ${process.version}: off ${per['off']!.toFixed(0)}, warn ${per['warn']!.toFixed(0)}`);
console.log(`RATIO M3 instructions warn/off: ${(per['warn']! / per['off']!).toFixed(3)}x`);
