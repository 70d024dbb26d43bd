/** What kind of off-loop work an async resource stands for. */
export type WorkKind = 'fs' | 'dns' | 'crypto' | 'zlib' | 'worker';

/**
 * libuv thread-pool jobs by `async_hooks` resource type. A resource of one of these types counts as pool work only
 * once its `before` callback fires: sync `randomBytes`, `randomUUID` and `gzipSync` create the same types without
 * touching the pool. @internal
 */
export const POOL_WORK: Readonly<Record<string, WorkKind>> = Object.assign(Object.create(null) as object, {
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
} satisfies Record<string, WorkKind>);

/** One fix hint per kind of work, for error messages and reports. @internal */
export const FIX_HINT: Readonly<Record<WorkKind, string>> = {
  fs: 'read the file before boot and provide its content with useValue, or read it on first use outside the factory',
  dns: 'connect by IP address (127.0.0.1, not localhost), or resolve the host name once before boot',
  crypto: 'derive keys before boot, or use the sync API where the input is small (randomBytes(n), randomUUID())',
  zlib: 'compress outside the factory, or use the sync API for small inputs (gzipSync)',
  worker: 'start workers outside resolution (at boot, from a lifecycle hook) and inject a handle to them',
};
