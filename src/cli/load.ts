import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../container/container.js';
import type { ResolutionObserver } from '../resolution/observer.js';
import { CliModuleLoadError, CliModuleUnusableError } from '../errors/cli.js';

/** What a module given to the CLI turned into: a container alone, or an app with its container as `app.di`. @internal */
export type Target = { readonly kind: 'container'; readonly container: Container } | { readonly kind: 'app'; readonly app: FastifyInstance };

const NAMES = ['default', 'app', 'container'] as const;

function isContainer(value: unknown): value is Container {
  const v = value as Partial<Container> | null;
  return typeof v === 'object' && v !== null && typeof v.createScope === 'function' && typeof v.graph === 'function';
}

function isApp(value: unknown): value is FastifyInstance {
  const v = value as { inject?: unknown; di?: unknown } | null;
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof v.inject === 'function' && isContainer(v.di);
}

function isClusterApp(value: unknown): value is { build(context: { worker: number }): unknown } {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Symbol.for('loopsafe.clusterApp')] === true;
}

function isAppOptions(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  return ['providers', 'controllers', 'routes', 'modules'].some((k) => Array.isArray((value as Record<string, unknown>)[k]));
}

/**
 * Import `module` (a path relative to `cwd`) and turn its export into a target. The export read is the default,
 * else `app`, else `container`; it may be a container, a built app, createApp() options, a defineClusterApp()
 * definition (built as worker 1), or a function returning one of those. Options are built with createApp(), with `shutdown: false` (the CLI closes the app itself) and
 * `observer` added in front of the app's own. @internal
 */
export async function loadTarget(module: string, cwd: string, observer: ResolutionObserver | undefined): Promise<Target> {
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(resolve(cwd, module)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliModuleLoadError(module, error);
  }
  const name = NAMES.find((n) => exports[n] !== undefined);
  if (name === undefined) {
    const keys = Object.keys(exports);
    throw new CliModuleUnusableError(module, keys.length === 0 ? 'it has no exports' : `its exports are ${keys.join(', ')}`);
  }
  let value = exports[name];
  if (typeof value === 'function' && !isApp(value)) value = await (value as () => unknown)();
  // A defineClusterApp() definition: build the app as its first worker would.
  else if (isClusterApp(value)) value = await value.build({ worker: 1 });
  if (isApp(value)) return { kind: 'app', app: value };
  if (isContainer(value)) return { kind: 'container', container: value };
  if (isAppOptions(value)) {
    const { createApp } = await import('../fastify/app.js');
    const own = value['observer'] as ResolutionObserver | readonly ResolutionObserver[] | undefined;
    const observers = [...(observer === undefined ? [] : [observer]), ...(own === undefined ? [] : [own].flat())];
    return { kind: 'app', app: await createApp({ ...value, shutdown: false, ...(observers.length > 0 ? { observer: observers } : {}) }) };
  }
  throw new CliModuleUnusableError(module, `its ${name === 'default' ? 'default export' : `export ${name}`} is ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return `a ${typeof value}`;
}

/** The container of a target. @internal */
export function containerOf(target: Target): Container {
  return target.kind === 'app' ? target.app.di : target.container;
}

/** Close what the target built: the app (which disposes its container), or the container. @internal */
export async function closeTarget(target: Target): Promise<void> {
  if (target.kind === 'app') await target.app.close();
  else await target.container.dispose();
}
