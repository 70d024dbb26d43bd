import type { LeakReport, OffloadFinding } from '../findings/types.js';
import { formatSite } from '../threads/site.js';
import { FIX_HINT, libraryHint, packageOf } from '../threads/work.js';

const where = (path: readonly string[] | undefined): string => (path === undefined ? 'test code' : path.join(' > '));

/** The report as text: one line per finding, grouped by kind, repeats collapsed, then the fixes. @internal */
export function formatLeakReport(report: LeakReport): string {
  const lines = [`Thread-leak check ${report.ok ? 'passed' : 'failed'}${report.title === undefined ? '' : `: "${report.title}"`}`];
  const t = report.threads;
  if (t !== undefined) {
    const added = t.added !== undefined && t.added.length > 0 ? `; new: ${t.added.join(', ')}` : '';
    lines.push(`  OS threads: ${t.before} before, ${t.after} after${t.after > t.before ? ` (+${t.after - t.before}${added})` : ''}`);
  }
  section(lines, 'Thread-pool work and Workers started by a factory', report.offloads.map(offloadLine));
  section(lines, 'Done during the block by resources created before it (not failing)', report.earlierOffloads.map(offloadLine));
  const workers = report.workers.filter((w) => !w.exited || w.path !== undefined);
  section(lines, 'Worker threads', workers.map((w) =>
    `Worker #${w.threadId} ${w.exited ? 'started and exited' : 'still running'} in ${where(w.path)} ${formatSite(w.site)}`));
  section(lines, 'Open handles', report.handles.map((h) => `${h.type} opened in ${where(h.path)} ${formatSite(h.site)}`));
  section(lines, "Unref'd handles still open (not failing)", report.unrefHandles.map((h) => `${h.type} opened in ${where(h.path)} ${formatSite(h.site)}`));
  section(lines, 'Loop blocks (not failing)', report.loopBlocks.map((b) => `${where(b.path)} held the loop ${b.ms.toFixed(1)} ms (budget ${b.budgetMs} ms)`));
  const fixes = new Set<string>();
  for (const o of report.offloads) {
    const pkg = packageOf(o.site?.library);
    fixes.add(`${o.kind}: ${pkg === undefined ? FIX_HINT[o.kind] : libraryHint(pkg)}`);
  }
  if (workers.some((w) => !w.exited)) fixes.add('workers: await worker.terminate() (or let it exit) before the block ends');
  if (report.handles.length > 0) fixes.add('handles: close what the block opened before it ends (clearInterval, server.close(), await app.close(), await container.dispose())');
  if (t !== undefined && t.after > t.before && workers.length === 0) fixes.add('threads: something started native threads; see the new thread names above');
  section(lines, 'How to fix', [...fixes], false);
  section(lines, 'Not checked', [...report.notChecked], false);
  const env = report.environment;
  lines.push(`  Environment: Node ${env.node} on ${env.platform}; thread names ${env.threadNames ? 'available' : 'unavailable'}; settled in ${report.settledMs} ms`);
  return lines.join('\n');
}

function offloadLine(o: OffloadFinding): string {
  const pkg = packageOf(o.site?.library);
  const inPkg = pkg === undefined ? '' : ` inside ${pkg}`;
  if (o.phase === 'after') return `${o.kind} (${o.type})${inPkg} by a ${o.by ?? 'callback'} created by the factory of ${where(o.path)}, after it settled, ${formatSite(o.site)}`;
  return `${o.kind} (${o.type})${inPkg} in ${where(o.path)} ${formatSite(o.site)}`;
}

function section(lines: string[], title: string, items: string[], collapse = true): void {
  if (items.length === 0) return;
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  lines.push(`  ${title} (${items.length}):`);
  for (const [item, n] of collapse ? counts : items.map((i) => [i, 1] as const)) lines.push(`    - ${item}${n > 1 ? ` (x${n})` : ''}`);
}
