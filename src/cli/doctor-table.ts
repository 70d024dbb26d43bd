import type { DoctorPhase, DoctorReport } from './doctor.js';

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
const kinds = (counts: DoctorPhase['offloads']): string =>
  Object.entries(counts).map(([kind, n]) => `${kind}:${n}`).join(' ') || '-';
const threads = (p: DoctorPhase): string =>
  p.threadsBefore === undefined ? '-' : `${p.threadsBefore} -> ${p.threadsAfter ?? '?'}`;

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The doctor's report as text: one row per phase, one indented row per provider built in it, then the findings. @internal */
export function formatDoctor(report: DoctorReport): string {
  const rows: string[][] = [['phase / provider', 'status', 'ms', 'scope ms', 'dispose ms', 'threads', 'offloads', 'loop blocks', 'runs']];
  for (const p of report.phases) {
    rows.push([p.name, p.status === undefined ? '-' : String(p.status), ms(p.ms), ms(p.scopeMs), ms(p.disposeMs), threads(p), kinds(p.offloads), String(p.loopBlocks), '']);
    for (const v of p.providers) rows.push([`  ${v.provider}`, '', ms(v.ms), '', '', '', kinds(v.offloads), String(v.loopBlocks), String(v.runs)]);
  }
  const findings = report.phases.flatMap((p) => p.findings.map((f) => `  ${p.name}: ${f}`));
  const verdict = findings.length === 0
    ? 'No findings: no factory offloaded work or blocked the loop, every disposer succeeded.'
    : `${findings.length} finding${findings.length === 1 ? '' : 's'}:\n${findings.join('\n')}`;
  return `loopsafe doctor ${report.module}\n${report.monitor}\n\n${table(rows)}\n\n${verdict}\n`;
}
