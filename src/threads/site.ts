import { fileURLToPath } from 'node:url';
import type { SourceSite } from '../findings/types.js';

// This copy of loopsafe: its compiled dist/src/, and src/ where source maps point stack frames back to.
const ownDirs = [fileURLToPath(new URL('../', import.meta.url)), fileURLToPath(new URL('../../../src/', import.meta.url))];
const FRAME = /^\s*at (?:.*? \()?(?:async )?(.+?):(\d+):(\d+)\)?$/;

/** Capture where the current call comes from. Costs a stack trace: call it only in attribution modes. @internal */
export function captureSite(): SourceSite {
  return pickSite(captureStack().stack ?? '');
}

/**
 * Capture the stack without formatting it: V8 formats `stack` on first read, so a capture that is never read
 * costs the frame walk only. @internal
 */
export function captureStack(): { stack?: string } {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, captureStack);
  Error.stackTraceLimit = limit;
  return holder;
}

/** @internal */
export function pickSite(stack: string): SourceSite {
  let library: string | undefined;
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (m === null) continue;
    let file = m[1]!;
    if (file.startsWith('node:') || file.startsWith('internal/') || !file.includes('/')) continue;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (ownDirs.some((dir) => file.startsWith(dir))) continue;
    const where = `${file}:${m[2]}:${m[3]}`;
    if (file.includes('/node_modules/')) {
      library ??= where;
      continue;
    }
    return { user: where, library };
  }
  return { user: undefined, library };
}

/** `file:line` of a site for one-line reports. @internal */
export function formatSite(site: SourceSite | undefined): string {
  if (site === undefined) return 'site not captured';
  if (site.user === undefined) return site.library === undefined ? 'site unknown' : `in ${site.library}`;
  return site.library === undefined ? `at ${site.user}` : `at ${site.user} (via ${site.library})`;
}
