/**
 * Property tests: random provider graphs checked against the reference model in ./model.ts. fast-check prints
 * the seed of a failing run; `FC_SEED=<seed> npx ava test/properties/graphs.test.ts` replays it.
 */
import test from 'ava';
import fc from 'fast-check';
import { setImmediate as tick } from 'node:timers/promises';
import { createContainer, lazy, LoopsafeError, optional, token, type BootError, type Container, type Scope, type Token } from '../../src/index.js';
import {
  anyGraph, isChain, MISSING_KEYS, missingName, modelCaptives, modelCyclicComponents, modelMissing, nodeName, reach, runParameters,
  validGraph, type NodeSpec,
} from './model.js';

interface Instance {
  node: number;
  serial: number;
  deps: unknown[];
}

/** Register the graph; the factories record what they create and the disposers what they dispose. */
function containerFor(nodes: readonly NodeSpec[]) {
  const keys: Token<Instance>[] = nodes.map((_, i) => token<Instance>(nodeName(i)));
  const missingKeys = Array.from({ length: MISSING_KEYS }, (_, i) => token<unknown>(missingName(i)));
  const created: Instance[] = [];
  const disposed: Instance[] = [];
  let inflight = 0;
  let serial = 0;
  const container = createContainer();
  nodes.forEach((node, i) => {
    const make = (deps: unknown[]): Instance => {
      if (node.fails) throw new Error(`${nodeName(i)} failed`);
      const instance: Instance = { node: i, serial: ++serial, deps };
      if (node.disposer === 'own') (instance as unknown as Disposable)[Symbol.dispose] = () => void disposed.push(instance);
      created.push(instance);
      return instance;
    };
    const factory = node.async
      ? async (...deps: unknown[]) => {
        inflight++;
        try {
          for (let k = 0; k < node.ticks; k++) await tick();
          return make(deps);
        } finally {
          inflight--;
        }
      }
      : (...deps: unknown[]) => make(deps);
    container.register(keys[i]!, {
      lifetime: node.lifetime,
      inject: [
        ...node.deps.map((d) => keys[d]!), ...node.missing.map((m) => missingKeys[m]!),
        ...node.optionalMissing.map((m) => optional(missingKeys[m]!)), ...node.lazy.map((d) => lazy(keys[d]!)),
      ],
      useFactory: factory,
      ...(node.disposer === 'option' ? { dispose: (instance: Instance) => void disposed.push(instance) } : {}),
    });
  });
  /** Resolves once no factory is running and none can start: a full macrotask turn with nothing in flight. */
  const idle = async (): Promise<void> => {
    do await tick();
    while (inflight > 0);
  };
  return { container, keys, created, disposed, idle };
}

/** Throw (so fast-check shrinks and prints the seed) when two sets differ. */
function same(actual: Set<string>, expected: Set<string>, what: string): void {
  const a = [...actual].sort().join(' ');
  const e = [...expected].sort().join(' ');
  if (a !== e) throw new Error(`${what}: loopsafe found [${a}], the model [${e}]`);
}

function problemsOf(container: Container): { code: string; path: readonly string[] }[] {
  try {
    container.check();
    return [];
  } catch (error) {
    if (!LoopsafeError.is(error, 'LOOPSAFE_ERR_BOOT')) throw error;
    return (error as BootError).problems.map((p) => ({ code: p.code, path: (p as unknown as { path: readonly string[] }).path }));
  }
}

test('check() reports exactly the missing providers, cyclic components (lazy edges never close one) and captives the model finds, each with a real path', (t) => {
  t.notThrows(() => fc.assert(
    fc.property(anyGraph, (nodes) => {
      const problems = problemsOf(containerFor(nodes).container);
      const byCode = (code: string) => problems.filter((p) => p.code === code).map((p) => p.path);

      const missing = byCode('LOOPSAFE_ERR_PROVIDER_MISSING');
      for (const path of missing) if (!isChain(nodes, path, true)) throw new Error(`missing-provider path is not a chain: ${path.join(' -> ')}`);
      const reportedMissing = new Set(missing.map((p) => `${p[p.length - 2]}>${p[p.length - 1]}`));
      if (reportedMissing.size !== missing.length) throw new Error(`a missing provider was reported twice: ${missing.map((p) => p.join(' -> ')).join('; ')}`);
      same(reportedMissing, modelMissing(nodes), 'missing providers');

      const cycles = byCode('LOOPSAFE_ERR_CYCLE');
      for (const path of cycles) {
        if (path[0] !== path[path.length - 1] || !isChain(nodes, path)) throw new Error(`cycle path is not a cycle: ${path.join(' -> ')}`);
      }
      const components = modelCyclicComponents(nodes);
      const covered = new Set<string>();
      for (const path of cycles) for (const c of components) if (c.split(',').includes(path[0]!)) covered.add(c);
      same(covered, components, 'cyclic components');

      const captives = byCode('LOOPSAFE_ERR_CAPTIVE_DEPENDENCY');
      for (const path of captives) {
        const middle = path.slice(1, -1).map((name) => (name.startsWith('lazy(') ? 'transient' : nodes[Number(name.slice(1))]!.lifetime));
        if (!isChain(nodes, path) || middle.some((l) => l !== 'transient')) throw new Error(`captive path is not singleton -> transients -> request: ${path.join(' -> ')}`);
      }
      same(new Set(captives.map((p) => `${p[0]}>${p[p.length - 1]}`)), modelCaptives(nodes), 'captives');
      if (problems.length !== missing.length + cycles.length + captives.length) throw new Error(`other problems: ${problems.map((p) => p.code).join(', ')}`);
    }),
    runParameters(300),
  ));
});

type Outcome = { scope: number; root: number; result: PromiseSettledResult<Instance> };

test('resolution and disposal follow the model: one instance per lifetime and scope, failures name a real chain, every instance disposed exactly once, dependents first', async (t) => {
  const scenario = fc.record({
    nodes: validGraph,
    scopes: fc.array(fc.array(fc.nat(6), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
    disposeFirst: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  });
  await t.notThrowsAsync(fc.assert(
    fc.asyncProperty(scenario, async ({ nodes, scopes: plan, disposeFirst }) => {
      const { container, keys, created, disposed, idle } = containerFor(nodes);
      container.check();
      const scopes: Scope[] = plan.map(() => container.createScope());
      // Every scope resolves its roots at once, all scopes concurrently.
      const outcomes: Outcome[] = (await Promise.all(plan.map(async (roots, s) => {
        const picked = roots.map((r) => r % nodes.length);
        const settled = await Promise.allSettled(picked.map((r) => scopes[s]!.resolve(keys[r]!)));
        return settled.map((result, k) => ({ scope: s, root: picked[k]!, result }));
      }))).flat();
      await idle();

      // Failures: exactly the roots that need a failing factory, with a coded error along a real chain to one.
      for (const { root, result } of outcomes) {
        const needsFailure = [...reach(nodes, root)].some((v) => nodes[v]!.fails);
        if (needsFailure !== (result.status === 'rejected')) throw new Error(`${nodeName(root)}: expected ${needsFailure ? 'a failure' : 'a value'}, got ${result.status}`);
        if (result.status === 'rejected') {
          const error = result.reason as { code?: string; path?: string[]; cause?: Error };
          const path = error.path ?? [];
          const last = nodes[Number(path[path.length - 1]?.slice(1))];
          if (error.code !== 'LOOPSAFE_ERR_PROVIDER_FAILED' || path[0] !== nodeName(root) || !isChain(nodes, path) || last?.fails !== true ||
            error.cause?.message !== `${path[path.length - 1]} failed`) {
            throw new Error(`${nodeName(root)}: wrong failure ${String(error.code)} ${path.join(' -> ')} (${String(error.cause?.message)})`);
          }
        }
      }

      // Identity: a singleton is one object everywhere; a request-scoped provider one per scope; a transient is
      // never shared between two holders.
      const singletons = new Map<number, Instance>();
      const perScope = new Map<string, Instance>();
      const transientHolders = new Map<Instance, unknown>();
      const seen = new Set<Instance>();
      const visit = (instance: Instance, scope: number, holder: unknown): void => {
        const node = nodes[instance.node]!;
        if (node.lifetime === 'transient') {
          const previous = transientHolders.get(instance);
          if (previous !== undefined && previous !== holder) throw new Error(`transient ${nodeName(instance.node)} shared by two holders`);
          transientHolders.set(instance, holder);
        }
        if (node.lifetime === 'singleton' && (singletons.get(instance.node) ?? instance) !== instance) throw new Error(`two instances of singleton ${nodeName(instance.node)}`);
        if (node.lifetime === 'singleton') singletons.set(instance.node, instance);
        if (node.lifetime === 'request') {
          const key = `${scope}:${instance.node}`;
          if ((perScope.get(key) ?? instance) !== instance) throw new Error(`two instances of ${nodeName(instance.node)} in scope ${scope}`);
          perScope.set(key, instance);
        }
        if (seen.has(instance)) return;
        seen.add(instance);
        if (instance.deps.length !== node.deps.length || instance.deps.some((d, k) => (d as Instance).node !== node.deps[k])) {
          throw new Error(`${nodeName(instance.node)} got the wrong dependencies`);
        }
        instance.deps.forEach((d) => visit(d as Instance, scope, instance));
      };
      outcomes.forEach(({ scope, result }, k) => result.status === 'fulfilled' && visit(result.value, scope, `resolve ${k}`));
      const requestAcrossScopes = new Map<number, Set<Instance>>();
      for (const [key, instance] of perScope) {
        const node = Number(key.split(':')[1]);
        const set = requestAcrossScopes.get(node) ?? new Set();
        if (set.has(instance)) throw new Error(`request-scoped ${nodeName(node)} shared between scopes`);
        requestAcrossScopes.set(node, set.add(instance));
      }
      for (const [i, node] of nodes.entries()) {
        const made = created.filter((c) => c.node === i).length;
        if (node.lifetime === 'singleton' && made > 1) throw new Error(`singleton ${nodeName(i)} built ${made} times`);
        if (node.lifetime === 'request' && made > scopes.length) throw new Error(`${nodeName(i)} built ${made} times in ${scopes.length} scopes`);
      }

      // Disposal: some scopes first, the rest with the container. Each phase is a sequence of disposals.
      const phases: Instance[][] = [];
      let from = 0;
      const allSync = nodes.every((n) => !n.async);
      for (const [s, scope] of scopes.entries()) {
        if (!allSync && disposeFirst[s] !== true) continue;
        await scope.dispose();
        phases.push(disposed.slice(from));
        from = disposed.length;
      }
      await container.dispose();
      phases.push(disposed.slice(from));

      const withDisposer = created.filter((c) => nodes[c.node]!.disposer !== 'none');
      if (disposed.length !== withDisposer.length || new Set(disposed).size !== disposed.length || disposed.some((d) => !withDisposer.includes(d))) {
        throw new Error(`disposed ${disposed.map((d) => d.serial).join(',')} but created ${withDisposer.map((d) => d.serial).join(',')}`);
      }
      const position = new Map(disposed.map((d, k) => [d, k]));
      for (const d of disposed) {
        for (const dep of d.deps) {
          const at = position.get(dep as Instance);
          if (at !== undefined && at < position.get(d)!) throw new Error(`${nodeName((dep as Instance).node)} disposed before its dependent ${nodeName(d.node)}`);
        }
      }
      // With sync factories every scope was disposed on its own, so each phase is exactly newest first.
      if (allSync) {
        for (const phase of phases) {
          if (phase.some((d, k) => k > 0 && phase[k - 1]!.serial < d.serial)) throw new Error(`not newest first: ${phase.map((d) => d.serial).join(',')}`);
        }
      }
    }),
    runParameters(150),
  ));
});

test('a graph of sync factories resolves with resolveSync to the same shapes as resolve', async (t) => {
  await t.notThrowsAsync(fc.assert(
    fc.asyncProperty(validGraph, fc.nat(6), async (generated, r) => {
      const nodes = generated.map((n) => ({ ...n, async: false, fails: false }));
      const root = r % nodes.length;
      const a = containerFor(nodes);
      const b = containerFor(nodes);
      const viaSync = a.container.createScope().resolveSync(a.keys[root]!);
      const viaAsync = await b.container.createScope().resolve(b.keys[root]!);
      const shape = (i: Instance): unknown => [i.node, i.deps.map((d) => shape(d as Instance))];
      if (JSON.stringify(shape(viaSync)) !== JSON.stringify(shape(viaAsync)) || a.created.length !== b.created.length) {
        throw new Error('resolveSync and resolve built different graphs');
      }
    }),
    runParameters(100),
  ));
});

test('scopes disposed while their resolutions are in flight still dispose every instance exactly once, and fail only with coded errors', async (t) => {
  const scenario = fc.record({
    nodes: validGraph,
    scopes: fc.array(fc.record({ roots: fc.array(fc.nat(6), { minLength: 1, maxLength: 3 }), disposeAfter: fc.nat(4) }), { minLength: 1, maxLength: 4 }),
  });
  await t.notThrowsAsync(fc.assert(
    fc.asyncProperty(scenario, async ({ nodes, scopes: plan }) => {
      const { container, keys, created, disposed, idle } = containerFor(nodes);
      container.check();
      const runs = plan.map(async ({ roots, disposeAfter }) => {
        const scope = container.createScope();
        const pending = roots.map((r) => scope.resolve(keys[r % nodes.length]!));
        for (let k = 0; k < disposeAfter; k++) await tick();
        await scope.dispose();
        return Promise.allSettled(pending);
      });
      const outcomes = (await Promise.all(runs)).flat();
      await idle();
      for (const o of outcomes) {
        const code = o.status === 'rejected' ? (o.reason as { code?: string }).code : undefined;
        if (o.status === 'rejected' && code !== 'LOOPSAFE_ERR_DISPOSED' && code !== 'LOOPSAFE_ERR_PROVIDER_FAILED') {
          throw new Error(`uncoded or unexpected failure: ${String(code)} ${String(o.reason)}`);
        }
      }
      await container.dispose();
      const withDisposer = created.filter((c) => nodes[c.node]!.disposer !== 'none');
      if (disposed.length !== withDisposer.length || new Set(disposed).size !== disposed.length || disposed.some((d) => !withDisposer.includes(d))) {
        throw new Error(`disposed ${disposed.map((d) => `${nodeName(d.node)}#${d.serial}`).join(',')} but created ${withDisposer.map((d) => `${nodeName(d.node)}#${d.serial}`).join(',')}`);
      }
    }),
    runParameters(150),
  ));
});
