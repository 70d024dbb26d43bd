#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { LoopsafeError } from '../errors/base.js';
import { CliUsageError } from '../errors/cli.js';
import { runDoctor } from './doctor.js';
import { formatDoctor } from './doctor-table.js';
import { emit, graphCommand, render } from './graph-command.js';

const options = {
  format: { type: 'string', default: 'json' },
  out: { type: 'string' },
  requests: { type: 'string' },
  json: { type: 'boolean', default: false },
  html: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const usage = `Usage:
  loopsafe graph <module> [--format json|mermaid|dot|html] [--out file]
  loopsafe doctor <module> [--requests file] [--json] [--html file]

<module> is a built JavaScript module whose default export (or export named app or container) is a container,
an app from createApp(), the options object for createApp(), a defineClusterApp() definition (built as worker 1),
or a function (maybe async) returning one of them.
doctor exits with 1 when a factory offloaded work or blocked the loop, a disposer failed, or a request got a 5xx.
`;

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError((error as Error).message.replace(/\.$/, ''));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const [command, module, ...extra] = positionals;
  if (command !== 'graph' && command !== 'doctor') throw new CliUsageError(command === undefined ? 'No command given' : `Unknown command ${command}`);
  if (module === undefined) throw new CliUsageError(`loopsafe ${command} needs a module`);
  if (extra.length > 0) throw new CliUsageError(`Unexpected argument ${extra[0]}`);
  if (command === 'graph') return graphCommand(module, values.format, values.out);

  // A progress line on stderr: rewritten in place on a terminal, one line per step otherwise.
  const tty = process.stderr.isTTY === true;
  const progress = (line: string): void => void process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  const { report, graph } = await runDoctor({ module, requestsFile: values.requests, progress });
  if (tty) process.stderr.write('\r\x1b[K');
  await emit(values.json ? `${JSON.stringify(report, (key, value: unknown) => (key === 'raw' ? undefined : value), 2)}\n` : formatDoctor(report), values.out);
  if (values.html !== undefined) {
    await emit(await render(graph, 'html', { title: `${module}: loopsafe doctor`, findings: report.phases.flatMap((p) => p.raw) }), values.html);
  }
  return report.findings === 0 ? 0 : 1;
}

// The monitor's own process warnings repeat what the report says; other warnings still print.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'LoopsafeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(LoopsafeError.is(error) ? `${error.code}: ${error.message}\n` : `${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
