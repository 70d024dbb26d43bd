// What the compiler checks in createApp()'s options: the same graph check as createContainer()'s, over the
// top-level lists and every module's, with the routes' inject lists checked against it too.
import type { BuiltIn, CheckedList, FallbackKeys, GraphOf, Surviving } from '../declare/graph-types.js';
import type { Facts } from '../declare/graph-facts.js';
import type { Lifetime } from '../declare/lifetime.js';
import type { Dep, Registration } from '../declare/provider.js';
import type { InversifyContainerLike } from '../declare/foreign.js';
import type { AbortSignalToken, Class, KeyType } from '../tokens.js';
import type { AppModule, AppOptions } from './option-types.js';
import type { RouteDeclaration } from './route.js';

/** A route as an app's `routes` list takes it: any dependencies, any route generics. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDeclaration<readonly Dep[], any>;

/** The providers of every module in `M`, as a union. */
export type ModuleRegistrations<M extends readonly AppModule[]> = M[number] extends infer Mod
  ? Mod extends {
    /** The module's providers. */
    readonly providers?: infer MP;
  } ? (MP extends readonly Registration[] ? MP[number] : never) : never
  : never;

/**
 * The controllers in `C`, as the registrations the plugin makes of them (a controller class provides itself, with
 * a lifetime its decorator sets, which the compiler does not see). A class typed only `Class<unknown>` adds nothing.
 */
export type ControllerRegistrations<C extends readonly Class<unknown>[]> = C[number] extends infer X
  ? X extends Class<unknown> ? (unknown extends KeyType<X> ? never : Registration<unknown, X, Facts<readonly [], Lifetime>>) : never
  : never;

/**
 * The graph the compiler sees in `createApp()`'s options: the providers (top-level and the modules') not
 * overridden, the overrides, the controllers, the built-ins. An attached inversify container (`I`) binds keys
 * known only at run time, so it opens the graph: nothing is checked at compile time, the boot check decides.
 */
export type AppGraphOf<P extends readonly Registration[], O extends readonly Registration[], C extends readonly Class<unknown>[], M extends readonly AppModule[], I> =
  GraphOf<
    | Surviving<P[number] | ModuleRegistrations<M>, O[number]['key']>
    | O[number]
    | ControllerRegistrations<C>
    | BuiltIn<typeof AbortSignalToken>
    | FallbackKeys<I>
  >;

/** One module of `modules`, its `providers` and `routes` each checked against graph `G`. */
export type CheckedModule<Mod, G extends GraphOf<unknown>> = {
  [K in keyof Mod]: K extends 'providers' ? (Mod[K] extends readonly unknown[] ? CheckedList<Mod[K], G, 'registration'> : Mod[K])
    : K extends 'routes' ? (Mod[K] extends readonly unknown[] ? CheckedList<Mod[K], G, 'route'> : Mod[K])
    : Mod[K];
};

/** The `modules` list, each module checked against graph `G`. */
export type CheckedModules<M extends readonly AppModule[], G extends GraphOf<unknown>> = { [I in keyof M]: CheckedModule<M[I], G> };

/** {@link AppOptions} with the lists the compiler reads kept as they are written. */
export interface AppOptionsOf<
  P extends readonly Registration[], O extends readonly Registration[], R extends readonly AnyRoute[],
  C extends readonly Class<unknown>[], M extends readonly AppModule[], I,
> extends Omit<AppOptions, 'providers' | 'overrides' | 'routes' | 'controllers' | 'modules' | 'inversify'> {
  /** Providers, as made by `provide()`. */
  readonly providers?: P;
  /** Replacements for some of `providers`, for tests: same key, another declaration. */
  readonly overrides?: O;
  /** Routes declared with `route()`. */
  readonly routes?: R;
  /** Classes decorated with `@Controller()`. */
  readonly controllers?: C;
  /** More parts of the app, each with its own providers, controllers and routes. */
  readonly modules?: M;
  /** An existing inversify `Container` to fall back to (see {@link AppOptions}); it turns the compile-time check off. */
  readonly inversify?: I;
}

/**
 * {@link AppOptions} checked by the compiler: a provider that injects an unprovided key, a singleton that injects a
 * request-scoped one, and a route whose `inject` names an unprovided key fail to compile at that item
 * (`MissingProvider<"Clock">`, `CaptiveDependency<"Cache", "RequestId">`). Widened lists check nothing.
 */
export type TypedAppOptions<
  P extends readonly Registration[], O extends readonly Registration[], R extends readonly AnyRoute[],
  C extends readonly Class<unknown>[], M extends readonly AppModule[], I extends InversifyContainerLike | undefined,
> = [
  CheckedList<P, AppGraphOf<P, O, C, M, I>, 'registration'>,
  CheckedList<O, AppGraphOf<P, O, C, M, I>, 'registration'>,
  CheckedList<R, AppGraphOf<P, O, C, M, I>, 'route'>,
  CheckedModules<M, AppGraphOf<P, O, C, M, I>>,
] extends [P, O, R, M]
  ? AppOptionsOf<P, O, R, C, M, I>
  : NoInfer<Omit<AppOptionsOf<P, O, R, C, M, I>, 'providers' | 'overrides' | 'routes' | 'modules'> & {
    /** The providers, each replaced by the compile error it earns. */
    readonly providers?: CheckedList<P, AppGraphOf<P, O, C, M, I>, 'registration'>;
    /** The overrides, each replaced by the compile error it earns. */
    readonly overrides?: CheckedList<O, AppGraphOf<P, O, C, M, I>, 'registration'>;
    /** The routes, each replaced by the compile error it earns. */
    readonly routes?: CheckedList<R, AppGraphOf<P, O, C, M, I>, 'route'>;
    /** The modules, each list in them checked the same way. */
    readonly modules?: CheckedModules<M, AppGraphOf<P, O, C, M, I>>;
  }>;
