/** The bench's settings, read once from the environment (and `--name=value` arguments of run.js). */

/** Settings of one bench run. */
export interface BenchOptions {
  /** Processes per (peer, scenario); the table shows their median. */
  readonly runs: number;
  /** Warm-up per process, in milliseconds. */
  readonly warmupMs: number;
  /** Measurement per process, in milliseconds. */
  readonly measureMs: number;
  /** Target length of one timed batch, in milliseconds. */
  readonly batchMs: number;
  /** Scopes the memory check opens, resolves and disposes. */
  readonly memoryScopes: number;
  /** Only these peers (names, comma-separated); empty means all. */
  readonly peers: readonly string[];
  /** Only these scenarios (M1..M4, comma-separated); empty means all. */
  readonly scenarios: readonly string[];
}

const defaults: Record<string, string> = {
  BENCH_RUNS: '5', BENCH_WARMUP_MS: '300', BENCH_TIME_MS: '1000', BENCH_BATCH_MS: '2', BENCH_MEMORY_SCOPES: '100000',
  BENCH_PEERS: '', BENCH_SCENARIOS: '',
};

/** Read the settings: `--runs=3` is the same as `BENCH_RUNS=3`. */
export function readOptions(argv: readonly string[] = []): BenchOptions {
  const values = { ...defaults };
  for (const [name, value] of Object.entries(process.env)) if (name in defaults && value !== undefined) values[name] = value;
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    const name = match === null ? undefined : `BENCH_${match[1]!.toUpperCase().replaceAll('-', '_')}`;
    if (name === undefined || !(name in defaults)) throw new Error(`Unknown argument ${arg}; use --runs=3, --time-ms=300, --peers=loopsafe,awilix ...`);
    values[name] = match![2]!;
  }
  const num = (name: string): number => {
    const n = Number(values[name]);
    if (!(n > 0)) throw new Error(`${name} must be a positive number, got ${values[name]}`);
    return n;
  };
  const list = (name: string): string[] => values[name]!.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    runs: Math.round(num('BENCH_RUNS')), warmupMs: num('BENCH_WARMUP_MS'), measureMs: num('BENCH_TIME_MS'),
    batchMs: num('BENCH_BATCH_MS'), memoryScopes: Math.round(num('BENCH_MEMORY_SCOPES')),
    peers: list('BENCH_PEERS'), scenarios: list('BENCH_SCENARIOS'),
  };
}
