import type { WorkKind } from '../findings/types.js';

// What the thread monitor's messages advise, per kind of work and for work inside a dependency. Kept on the ground
// floor with the errors whose messages use them; threads/ re-exports them for its warnings and reports.

/** One fix hint per kind of work, for error messages and reports. @internal */
export const FIX_HINT: Readonly<Record<WorkKind, string>> = {
  fs: 'read the file before boot and provide its content with useValue, or read it on first use outside the factory',
  dns: 'connect by IP address (127.0.0.1, not localhost), or resolve the host name once before boot',
  crypto: 'derive keys before boot, or use the sync API where the input is small (randomBytes(n), randomUUID())',
  zlib: 'compress outside the factory, or use the sync API for small inputs (gzipSync)',
  worker: 'start workers outside resolution (at boot, from a lifecycle hook) and inject a handle to them',
  native: "call the addon's async API outside resolution (in the method that needs it, not in the factory), or allow it for this provider with the monitor's `allow` policy",
};

/**
 * The fix when the work started inside a dependency: the user cannot move a library's own file read, but can
 * configure it, build it at boot under an `allow` rule, or call it outside the factory. @internal
 */
export function libraryHint(pkg: string): string {
  return `the work starts inside the package ${pkg}: look for an option of ${pkg} that turns it off, use ${pkg} ` +
    'outside resolution (at boot, or in the method that needs it) and inject the result, or allow it for this provider ' +
    "with the monitor's `allow` policy";
}

/** The npm package a `node_modules` frame belongs to (`ioredis`, `@scope/name`). @internal */
export function packageOf(frame: string | undefined): string | undefined {
  if (frame === undefined) return undefined;
  const at = frame.lastIndexOf('/node_modules/');
  if (at === -1) return undefined;
  const [first, second] = frame.slice(at + 14).split('/');
  return first?.startsWith('@') === true && second !== undefined ? `${first}/${second}` : first;
}
