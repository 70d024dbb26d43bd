// Controller constructors without @Inject() are read from `design:paramtypes`.
import 'reflect-metadata';
import type { FastifyReply, FastifyRequest, HTTPMethods, RouteShorthandOptions } from 'fastify';
import type { Container } from '../container/container.js';
import { declaredInjectList } from '../declare/inject-list.js';
import type { Dep } from '../declare/provider.js';
import type { LoopsafeError } from '../errors/base.js';
import { RouteDeclarationError } from '../errors/fastify.js';
import type { Class } from '../tokens.js';
import type { Invoke } from './handler.js';
import { readMetadata, type ControllerMetadata, type ParamSource, type RouteMetadata } from './metadata.js';
import type { RouteDeclaration } from './route.js';

/** A route ready for fastify: its options, the synthetic provider that names its dependencies, its invoker. */
export interface CompiledRoute {
  readonly method: HTTPMethods | readonly HTTPMethods[];
  readonly url: string;
  readonly options: RouteShorthandOptions;
  /** The key of a transient provider whose factory returns the route's resolved dependencies, so check() covers them. */
  readonly key: symbol;
  readonly invoke: Invoke;
}

/** The synthetic route provider's factory: the resolved dependencies, as one array. */
const collect = (...deps: unknown[]): unknown[] => deps;

// Argument extractors shared by every route; the named ones are made once per parameter at boot.
type Extract = (deps: unknown[], request: FastifyRequest, reply: FastifyReply) => unknown;
const extractors: Record<'params' | 'query' | 'headers' | 'body' | 'request' | 'reply', Extract> = {
  params: (_d, request) => request.params,
  query: (_d, request) => request.query,
  headers: (_d, request) => request.headers,
  body: (_d, request) => request.body,
  request: (_d, request) => request,
  reply: (_d, _r, reply) => reply,
};

/** Register a synthetic provider per route (and each controller) with the container; report what is malformed. */
export function compileRoutes(
  container: Container,
  controllers: readonly Class<unknown>[],
  routes: readonly RouteDeclaration<readonly Dep[], never>[],
  problems: LoopsafeError[],
): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  for (const declaration of routes) {
    const name = `${String(declaration?.method)} ${String(declaration?.url)}`;
    if (typeof declaration !== 'object' || declaration === null || typeof declaration.url !== 'string' || declaration.method === undefined) {
      problems.push(new RouteDeclarationError(name, 'The route has no method or url', 'Declare it with route({ method, url, inject, handler }).'));
      continue;
    }
    if (typeof declaration.handler !== 'function') {
      problems.push(new RouteDeclarationError(name, 'The handler is not a function', 'Pass handler: (deps, request, reply) => payload.'));
      continue;
    }
    const { method, url, inject, handler, ...options } = declaration;
    const key = Symbol(name);
    container.register(key, { lifetime: 'transient', inject: inject ?? [], useFactory: collect });
    compiled.push({ method, url, options, key, invoke: handler as Invoke });
  }
  for (const cls of controllers) compileController(container, cls, problems, compiled);
  return compiled;
}

function compileController(container: Container, cls: Class<unknown>, problems: LoopsafeError[], out: CompiledRoute[]): void {
  const className = typeof cls === 'function' ? cls.name || '(anonymous class)' : String(cls);
  const meta = typeof cls === 'function' ? readMetadata(cls) : undefined;
  if (meta === undefined || meta.prefix === undefined) {
    problems.push(new RouteDeclarationError(className, 'The class is not decorated with @Controller()', 'Add @Controller(prefix) to it, or remove it from controllers.'));
    return;
  }
  if (!container.has(cls)) {
    const inject = constructorDeps(cls, meta, className, problems);
    container.register(cls, inject === undefined ? { lifetime: meta.lifetime ?? 'singleton' } : { lifetime: meta.lifetime ?? 'singleton', inject });
  }
  for (const routeMeta of meta.routes) {
    const compiled = compileMethod(cls, className, meta, routeMeta, problems);
    if (compiled === undefined) continue;
    const key = Symbol(`${className}.${String(routeMeta.property)}`);
    container.register(key, { lifetime: 'transient', inject: [cls, ...compiled.deps], useFactory: collect });
    out.push({ method: routeMeta.method, url: joinPath(meta.prefix, routeMeta.path), options: routeMeta.options, key, invoke: compiled.invoke });
  }
}

const notInjectable = new Set<unknown>([Object, Function, String, Number, Boolean, Array, Promise, Symbol, undefined]);

function constructorDeps(cls: Class<unknown>, meta: ControllerMetadata, name: string, problems: LoopsafeError[]): Dep[] | undefined {
  if (declaredInjectList(cls) !== undefined) return undefined; // @Controller(prefix, { inject }): the planner reads it
  const types = (Reflect.getMetadata('design:paramtypes', cls) as unknown[] | undefined) ?? [];
  const arity = Math.max(cls.length, types.length, ...[...meta.ctor.keys()].map((i) => i + 1));
  if (arity === 0) return [];
  if (meta.ctor.size === 0 && types.length === 0) return undefined; // leave it to the class-metadata readers (inversify's)
  const deps: Dep[] = [];
  for (let i = 0; i < arity; i++) {
    const dep = meta.ctor.get(i) ?? types[i];
    if (notInjectable.has(dep)) {
      problems.push(new RouteDeclarationError(name, `Constructor parameter ${i} has no @Inject() and its type cannot be injected`, `Add @Inject(token) to it.`));
      return [];
    }
    deps.push(dep as Dep);
  }
  return deps;
}

function compileMethod(
  cls: Class<unknown>, className: string, meta: ControllerMetadata, routeMeta: RouteMetadata, problems: LoopsafeError[],
): { deps: Dep[]; invoke: Invoke } | undefined {
  const where = `${className}.${String(routeMeta.property)}`;
  const method = (cls.prototype as Record<string | symbol, unknown>)[routeMeta.property];
  if (typeof method !== 'function') {
    problems.push(new RouteDeclarationError(where, 'The decorated member is not a method', 'Decorate a method with @Get() and the like.'));
    return undefined;
  }
  const byIndex = meta.params.get(routeMeta.property) ?? new Map<number, ParamSource[]>();
  if (routeMeta.inject !== undefined) {
    if (byIndex.size === 0) return { deps: [...routeMeta.inject], invoke: withDeps(method as (...a: unknown[]) => unknown) };
    problems.push(new RouteDeclarationError(
      where, 'The route has an inject list and parameter decorators', 'A handler with inject receives (deps, request, reply): drop the parameter decorators, or the inject list.',
    ));
    return undefined;
  }
  const arity = Math.max(method.length, ...[...byIndex.keys()].map((i) => i + 1));
  const deps: Dep[] = [];
  const args: Extract[] = [];
  for (let i = 0; i < arity; i++) {
    const sources = byIndex.get(i);
    if (sources === undefined || sources.length !== 1) {
      problems.push(new RouteDeclarationError(
        where,
        sources === undefined ? `Parameter ${i} has no decorator` : `Parameter ${i} has ${sources.length} decorators`,
        'Give each handler parameter exactly one of @Inject(token), @Params(), @Query(), @Body(), @Headers(), @Req(), @Reply().',
      ));
      return undefined;
    }
    args.push(extractorFor(sources[0]!, deps));
  }
  const fn = method as (...a: unknown[]) => unknown;
  const n = args.length;
  const invoke: Invoke = (resolved, request, reply) => {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) values[i] = args[i]!(resolved, request, reply);
    return fn.apply(resolved[0], values);
  };
  return { deps, invoke };
}

/** The invoker of a handler taking `(deps, request, reply)`, as a function route's does; slot 0 holds the controller. */
function withDeps(fn: (...a: unknown[]) => unknown): Invoke {
  return (resolved, request, reply) => fn.call(resolved[0], resolved.slice(1), request, reply);
}

/** The extractor of one parameter; an injected one takes the next slot of the route's dependency list. */
function extractorFor(source: ParamSource, deps: Dep[]): Extract {
  switch (source.kind) {
    case 'inject': {
      deps.push(source.dep);
      const at = deps.length; // slot 0 holds the controller
      return (resolved) => resolved[at];
    }
    case 'params':
    case 'query':
    case 'headers': {
      const name = source.name;
      if (name === undefined) return extractors[source.kind];
      const whole = extractors[source.kind];
      return (resolved, request, reply) => (whole(resolved, request, reply) as Record<string, unknown> | undefined)?.[name];
    }
    default:
      return extractors[source.kind];
  }
}

/** `/users` + `/:id` = `/users/:id`; an empty path is the prefix itself. */
export function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  return `/${parts.join('/')}`;
}
