import { performance } from 'node:perf_hooks';
import { setAmbientObserver } from '../resolution/observer.js';
import { readThreadCount } from '../threads/count.js';
import type { LoopBlockFinding, OffloadFinding, WorkKind } from '../findings/types.js';
import { acquireAttribution, releaseAttribution } from '../threads/attribution.js';
import { createThreadMonitor } from '../threads/monitor.js';
import { addSink, removeSink, type FindingSink } from '../threads/sinks.js';
import { defaultMonitorOptions, monitorReason } from '../fastify/monitor.js';
import { closeTarget, containerOf, loadTarget } from './load.js';
import { newPhase, Probe, type PhaseRecord } from './probe.js';
import { defaultRequests, readRequests, type DoctorRequest } from './requests.js';

/** One provider's part in one phase of a doctor run. @internal */
export interface DoctorProviderRow {
  readonly provider: string;
  readonly runs: number;
  readonly ms: number;
  readonly offloads: Partial<Record<WorkKind, number>>;
  readonly loopBlocks: number;
}

/** One phase of a doctor run: `boot`, one request (`GET /users`), or `shutdown`. @internal */
export interface DoctorPhase {
  readonly name: string;
  /** The response's status code, for requests. */
  readonly status: number | undefined;
  readonly ms: number;
  readonly scopeMs: number | undefined;
  readonly disposeMs: number | undefined;
  readonly threadsBefore: number | undefined;
  readonly threadsAfter: number | undefined;
  readonly offloads: Partial<Record<WorkKind, number>>;
  readonly loopBlocks: number;
  readonly providers: readonly DoctorProviderRow[];
  /** What makes this phase fail the run, one line each. */
  readonly findings: readonly string[];
  /** The monitor's findings, for highlighting in the graph page. */
  readonly raw: readonly (OffloadFinding | LoopBlockFinding)[];
}

/** The result of `loopsafe doctor`. @internal */
export interface DoctorReport {
  /**
   * The monitor mode and why, in words: the doctor checks every run (a leak-check sink makes every monitor
   * attribute), and says what the app's own default would be in this environment.
   */
  readonly monitor: string;
  readonly module: string;
  readonly phases: readonly DoctorPhase[];
  /** Findings over every phase; the command exits with 1 when it is not 0. */
  readonly findings: number;
}

/** Options of a doctor run. @internal */
export interface DoctorOptions {
  readonly module: string;
  readonly requestsFile: string | undefined;
  readonly progress: (line: string) => void;
}

function byKind(findings: readonly OffloadFinding[]): Partial<Record<WorkKind, number>> {
  const counts: Partial<Record<WorkKind, number>> = {};
  for (const f of findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
}

function summarize(name: string, record: PhaseRecord, ms: number, threads: [number | undefined, number | undefined], status?: number): DoctorPhase {
  const providers = [...record.providers].map(([provider, row]) => ({
    provider, runs: row.runs, ms: row.ms,
    offloads: byKind(record.offloads.filter((f) => f.path[f.path.length - 1] === provider)),
    loopBlocks: record.loopBlocks.filter((f) => f.path[f.path.length - 1] === provider).length,
  }));
  const lines = [
    ...record.offloads.map((f) => `${f.path.join(' -> ')} offloaded ${f.kind} work (${f.type})${f.phase === 'after' ? ' after it settled' : ''}`),
    ...record.loopBlocks.map((f) => `${f.path.join(' -> ')} held the event loop ${f.ms.toFixed(1)} ms (budget ${f.budgetMs} ms)`),
    ...(record.disposeFailed ? [`a disposer failed while the ${name} scope closed`] : []),
    ...(status !== undefined && status >= 500 ? [`${name} answered ${status}`] : []),
  ];
  // A factory reading a file starts several pool jobs: one line per distinct finding, with its count.
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  const findings = [...counts].map(([line, n]) => (n === 1 ? line : `${line} (x${n})`));
  return {
    name, status, ms, scopeMs: record.scopeMs, disposeMs: record.disposeMs, threadsBefore: threads[0], threadsAfter: threads[1],
    offloads: byKind(record.offloads), loopBlocks: record.loopBlocks.length, providers, findings,
    raw: [...record.offloads, ...record.loopBlocks],
  };
}

/**
 * Build the module's app with a thread monitor watching every factory, boot it, send each request through
 * inject(), close it, and report each phase. @internal
 */
export async function runDoctor(options: DoctorOptions): Promise<{ report: DoctorReport; graph: ReturnType<ReturnType<typeof containerOf>['graph']> }> {
  const explicit = options.requestsFile === undefined ? undefined : await readRequests(options.requestsFile);
  // Mode warn: findings reach the channels (and the report) without failing the requests that caused them.
  const monitor = createThreadMonitor({ mode: 'warn' });
  const probe = new Probe();
  const phases: DoctorPhase[] = [];
  // The ambient observer reaches containers the module creates itself (a function export, a module-level container).
  const previous = setAmbientObserver(monitor);
  // As a leak check does: while a sink listens, every monitor attributes, createApp()'s default (mode off) too;
  // the findings reach the probe on threadChannels.
  const sink: FindingSink = { offload: () => {}, loopBlock: () => {} };
  addSink(sink);
  acquireAttribution();
  try {
    options.progress('boot: building the app');
    let threads = readThreadCount();
    let began = performance.now();
    const target = await loadTarget(options.module, process.cwd(), monitor);
    const container = containerOf(target);
    if (target.kind === 'container') await container.boot();
    phases.push(summarize('boot', probe.current, performance.now() - began, [threads, readThreadCount()]));
    const graph = container.graph();
    try {
      const requests: readonly DoctorRequest[] = explicit ?? (target.kind === 'app' ? defaultRequests(graph) : []);
      for (const [i, request] of requests.entries()) {
        const name = `${request.method} ${request.url}`;
        options.progress(`[${i + 1}/${requests.length}] ${name}`);
        probe.current = newPhase();
        threads = readThreadCount();
        began = performance.now();
        const response = target.kind === 'app'
          ? await target.app.inject({ method: request.method as 'GET', url: request.url, ...(request.headers === undefined ? {} : { headers: request.headers }), ...(request.payload === undefined ? {} : { payload: request.payload as string }) })
          : undefined;
        const ms = performance.now() - began;
        await probe.idle(5_000);
        phases.push(summarize(name, probe.current, ms, [threads, readThreadCount()], response?.statusCode));
      }
    } finally {
      options.progress('shutdown: closing the app');
      probe.current = newPhase();
      threads = readThreadCount();
      began = performance.now();
      await closeTarget(target);
      phases.push(summarize('shutdown', probe.current, performance.now() - began, [threads, readThreadCount()]));
    }
    return { report: { module: options.module, monitor: doctorMonitor(), phases, findings: phases.reduce((n, p) => n + p.findings.length, 0) }, graph };
  } finally {
    setAmbientObserver(previous);
    releaseAttribution();
    removeSink(sink);
    probe.close();
    monitor.close();
  }
}

/** What the doctor says about the monitor: its own mode, and the app's default mode here with the reason. */
function doctorMonitor(): string {
  return `monitor: warn, every run checked (loopsafe doctor); the app's default here: ${defaultMonitorOptions().mode ?? 'warn'} (${monitorReason(undefined)})`;
}
