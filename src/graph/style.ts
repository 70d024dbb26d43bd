import type { Lifetime } from '../declare/lifetime.js';
import type { LoopBlockFinding, OffloadFinding } from '../findings/types.js';
import type { EdgeKind, GraphProvider } from './model.js';

/** Options every renderer of an {@link AppGraph} takes. */
export interface GraphRenderOptions {
  /**
   * Findings of a thread monitor (from a `loopsafe doctor` run, or `threadChannels` subscribers): the provider that
   * offloaded work or blocked the loop is highlighted.
   */
  readonly findings?: readonly (OffloadFinding | LoopBlockFinding)[];
}

/** Fill colours by lifetime, shared by every renderer so the pictures agree. @internal */
export const lifetimeColours: Record<Lifetime, string> = {
  singleton: '#bbdefb',
  request: '#ffe0b2',
  transient: '#c8e6c9',
};

/** The colour of a route, an entry point. @internal */
export const routeColour = '#fff59d';

/** The colour of a provider a finding names. @internal */
export const findingColour = '#d32f2f';

/** What a finding says about each provider, by provider name (the last name of the finding's path). @internal */
export function findingsByProvider(options: GraphRenderOptions | undefined): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const finding of options?.findings ?? []) {
    const name = finding.path[finding.path.length - 1];
    if (name === undefined) continue;
    const text = 'kind' in finding ? `offloaded ${finding.kind} work (${finding.type})` : `held the loop ${finding.ms.toFixed(1)} ms`;
    const list = byName.get(name) ?? [];
    if (!list.includes(text)) list.push(text);
    byName.set(name, list);
  }
  return byName;
}

/** The second line of a provider's label: lifetime, kind, and what is special about it. @internal */
export function providerDetail(p: GraphProvider): string {
  const parts: string[] = [p.lifetime, p.kind];
  if (p.synchrony === 'async') parts.push('async');
  if (p.eager) parts.push('eager');
  if (p.hasDisposer) parts.push('disposer');
  return parts.join(' · ');
}

/** A word for an edge that is not plain, or `undefined`. @internal */
export function edgeLabel(kind: EdgeKind): string | undefined {
  return kind === 'plain' ? undefined : kind;
}
