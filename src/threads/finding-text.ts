import type { OffloadFinding } from '../findings/types.js';
import type { AllowRule } from './monitor-types.js';
import { formatSite } from './site.js';
import { packageOf } from './work.js';

// What a finding becomes in words, and whether an allow rule lets it through.

/** Whether an `allow` rule lets the finding through. @internal */
export function allows(rules: readonly AllowRule[], finding: OffloadFinding): boolean {
  const provider = finding.path[finding.path.length - 1];
  return rules.some((r) =>
    (r.provider === undefined || r.provider === provider) &&
    (r.when === undefined || (finding.boot === true && finding.phase === 'during')) &&
    (r.kind === undefined || (typeof r.kind === 'string' ? r.kind === finding.kind : r.kind.includes(finding.kind))));
}

/** The one-line warning for offloaded work (@internal): the route and provider path, who did it, where, and its thread cost. */
export function offloadWarning(finding: OffloadFinding): string {
  const path = finding.path.join(' -> ');
  const name = finding.path[finding.path.length - 1] ?? '?';
  const what = `${finding.kind} work (${finding.type}${threadsText(finding)})`;
  const pkg = packageOf(finding.site?.library);
  const inPkg = pkg === undefined ? '' : ` inside the package ${pkg}`;
  if (finding.phase === 'after') {
    return `${path}: ${finding.by ?? 'a callback'} created by the factory of ${name} put ${what} off the event loop${inPkg} ` +
      `${formatSite(finding.site)}, after the factory had settled: the work is that resource's, not the resolution's.`;
  }
  return `${path}: the factory of ${name} put ${what} off the event loop${inPkg} ${formatSite(finding.site)}.`;
}

/** How many threads the work cost, as words. @internal */
export function threadsText(finding: OffloadFinding): string {
  if (finding.kind === 'worker') return ', a new Worker thread';
  if (finding.newThreads === undefined) return '';
  return finding.newThreads > 0 ? `, started the pool: ${finding.newThreads} new OS threads` : ', on the warm pool';
}

