import type { WorkKind } from '../findings/types.js';

const table = <T>(entries: Record<string, T>): Readonly<Record<string, T>> => Object.assign(Object.create(null) as object, entries);

/**
 * libuv thread-pool jobs by `async_hooks` resource type. A resource of one of these types counts as pool work only
 * once its `before` callback fires: sync `randomBytes`, `randomUUID` and `gzipSync` create the same types without
 * touching the pool. @internal
 */
export const POOL_WORK: Readonly<Record<string, WorkKind>> = table<WorkKind>({
  FSREQCALLBACK: 'fs',
  FSREQPROMISE: 'fs',
  FILEHANDLECLOSEREQ: 'fs',
  STATWATCHER: 'fs',
  GETADDRINFOREQWRAP: 'dns',
  GETNAMEINFOREQWRAP: 'dns',
  ZLIB: 'zlib',
  PBKDF2REQUEST: 'crypto',
  SCRYPTREQUEST: 'crypto',
  ARGON2REQUEST: 'crypto',
  RANDOMBYTESREQUEST: 'crypto',
  RANDOMPRIMEREQUEST: 'crypto',
  CHECKPRIMEREQUEST: 'crypto',
  KEYPAIRGENREQUEST: 'crypto',
  KEYGENREQUEST: 'crypto',
  KEYEXPORTREQUEST: 'crypto',
  HASHREQUEST: 'crypto',
  CIPHERREQUEST: 'crypto',
  DERIVEBITSREQUEST: 'crypto',
  SIGNREQUEST: 'crypto',
  VERIFYREQUEST: 'crypto',
});

/**
 * Pool work that counts when it starts, because its callback may never come: `fs.watchFile` polls `stat` on the
 * pool every interval but calls back only when the file changes. @internal
 */
export const STARTS_POOL: Readonly<Record<string, true>> = table<true>({ STATWATCHER: true });

/**
 * Resource types Node defines that stay on the event loop (sockets, timers, handles, parsers, ports) or are
 * reported another way (`WORKER`, from the `worker_threads` channel). Any other type whose callback comes back is
 * a native addon's work and is reported as `native`: a fixed table of pool types cannot know an addon's names.
 * JavaScript `AsyncResource`s (any type name) are told apart by class. @internal
 */
export const ON_LOOP: Readonly<Record<string, true>> = table<true>(Object.fromEntries([
  'PROMISE', 'Timeout', 'Immediate', 'TickObject', 'Microtask', 'DIRHANDLE', 'DNSCHANNEL', 'QUERYWRAP', 'ELDHISTOGRAM',
  'FILEHANDLE', 'BLOBREADER', 'FSEVENTWRAP', 'HEAPSNAPSHOT', 'HTTP2SESSION', 'HTTP2STREAM', 'HTTP2PING',
  'HTTP2SETTINGS', 'HTTPINCOMINGMESSAGE', 'HTTPCLIENTREQUEST', 'HTTPPARSER', 'JSSTREAM', 'JSUDPWRAP', 'MESSAGEPORT',
  'PIPECONNECTWRAP', 'PIPESERVERWRAP', 'PIPEWRAP', 'PROCESSWRAP', 'SHUTDOWNWRAP', 'SIGNALWRAP', 'STREAMPIPE',
  'TCPCONNECTWRAP', 'TCPSERVERWRAP', 'TCPWRAP', 'TTYWRAP', 'UDPSENDWRAP', 'UDPWRAP', 'SIGINTWATCHDOG', 'WORKER',
  'WORKERHEAPSNAPSHOT', 'WRITEWRAP', 'TLSWRAP', 'INSPECTORJSBINDING', 'LOCKS', 'QUIC_ENDPOINT', 'QUIC_LOGSTREAM',
  'QUIC_PACKET', 'QUIC_SESSION', 'QUIC_STREAM', 'QUIC_UDP', 'NONE',
].map((type) => [type, true] as const)));

// The fix hints live with the error messages that use them (errors/ is the ground floor); re-exported for threads/.
export { FIX_HINT, libraryHint, packageOf } from '../errors/hints.js';
