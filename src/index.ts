/**
 * The container: typed tokens, providers and lifetimes checked at boot, async-safe resolution, request scopes with
 * awaited disposal, the thread monitor, the shared cache and the multi-worker server.
 *
 * ```ts
 * import { createContainer, provide, token } from 'loopsafe';
 * ```
 * @packageDocumentation
 * @module loopsafe
 */
export { createContainer, type Container, type ContainerOptions } from './container/container.js';
export type { InversifyContainerLike } from './declare/foreign.js';
export {
  provide, optional, lazy, type Lazy, type Registration, type ProviderDef, type FactoryProvider, type ClassProvider, type ValueProvider,
  type SuppliedProvider, type SelfProvider, type AnyProviderDef, type ConstructedOptions, type Optional, type Dep, type DepType, type DepTypes, type InjectedArgs, type CheckedInject, type InjectMismatch, type ClassOf, type CtorParams,
} from './declare/provider.js';
export { Injectable, type InjectableOptions } from './declare/injectable.js';
export type { InjectingClassDecorator, ConstructorCheck, StandardConstructorCheck, InjectListRequired, AnyConstructor } from './declare/decorator-types.js';
export type {
  MissingProvider, CaptiveDependency, AdapterToken, KeyName, Resolvable, Judged, CheckedList, IsOpen, ItemError, GraphOf, Surviving, BuiltIn, ProvidedKeys,
  RegistrationError, RouteError, FallbackKeys, Widened, MissingNames, RequestKeys, DepKey, NeededKey, LifetimeOf, DepsOf,
} from './declare/graph-types.js';
export type { Facts, FactsOf } from './declare/graph-facts.js';
export type { TypedContainerOptions, ContainerOptionsOf, ContainerGraph, TypedContainerKeys } from './container/typed-options.js';
export { token, AbortSignalToken, type Registry, type IsToken, type Token, type Class, type Newable, type Key, type KeyType } from './tokens.js';
export type { Lifetime } from './declare/lifetime.js';
export type { Scope } from './scopes/scope.js';
export type { ResolutionObserver, ResolutionTrail } from './resolution/observer.js';
export { LoopsafeError, ResolutionPathError } from './errors/base.js';
export {
  BootError, type BootProblem, MissingProviderError, CycleError, CaptiveDependencyError, InvalidProviderError, DuplicateProviderError,
  ContainerFrozenError, InvalidOptionError, ProviderFailedError, ProviderTimeoutError, ScopeRequiredError,
  SuppliedValueMissingError, SupplyError, AsyncProviderError, DisposedError, DisposalError, WrongThreadError, InversifyError,
} from './errors/container.js';
export { UnsupportedDecoratorError, InversifyNotLoadedError } from './errors/inversify.js';
export { DecoratorMisplacedError } from './errors/decorators.js';
export { createThreadMonitor, type ThreadMonitor, type ThreadMonitorOptions, type AllowRule, type ThreadMonitorStats, type MonitorMode } from './threads/monitor.js';
export { countThreads } from './threads/count.js';
export { threadChannels } from './threads/channels.js';
export type { OffloadFinding, LoopBlockFinding, ThreadSample } from './findings/types.js';
export type { SourceSite } from './findings/types.js';
export type { WorkKind } from './findings/types.js';
export type { MetricsRegistry } from './threads/metrics.js';
export { ThreadOffloadError, LateOffloadError, LoopBlockedError, ThreadCountUnsupportedError } from './errors/threads.js';
export { createCache } from './cache/create.js';
export { provideCache, CacheToken } from './cache/provide.js';
export { jsonSerializer, type CacheSerializer } from './cache/serialize.js';
export type {
  Cache, CacheLoader, CacheSetOptions, CacheOptions, RedisCacheOptions, CacheBackend, CacheUnavailablePolicy,
} from './cache/cache.js';
export {
  CacheSerializationError, CacheDecodeError, CacheUnavailableError, CacheBackendMissingError, CacheClosedError,
} from './errors/cache.js';
export { serveCluster } from './cluster/primary.js';
export type { ClusterServer, WorkerInfo, WorkerThreads } from './cluster/server.js';
export {
  defineClusterApp, type ClusterApp, type ClusterAppDefinition, type ClusterServable, type WorkerContext,
} from './cluster/app.js';
export type { ClusterOptions } from './cluster/options.js';
export type { RestartOptions } from './cluster/restart.js';
export type {
  ClusterEvent, ListeningEvent, WorkerReadyEvent, WorkerExitEvent, WorkerRestartEvent, ShutdownEvent, StoppedEvent,
} from './cluster/events.js';
export {
  ClusterAppError, ClusterWorkerFailedError, ClusterCrashLoopError, ClusterShutdownTimeoutError, type BusyWorker,
} from './errors/cluster.js';
export type { AppGraph, GraphProvider, GraphEdge, GraphRoute, ProviderKind, Synchrony, EdgeKind } from './graph/model.js';
export { graphToDot } from './graph/dot.js';
export { graphToMermaid } from './graph/mermaid.js';
export { graphToJson } from './graph/json.js';
export { graphToHtml, type GraphHtmlOptions } from './graph/html.js';
export type { GraphRenderOptions } from './graph/style.js';
export { loopsafeChannels, type BootContext, type ResolveContext, type ScopeContext } from './observe/channels.js';
export { composeObservers } from './resolution/compose.js';
export { CliUsageError, CliModuleLoadError, CliModuleUnusableError } from './errors/cli.js';
export { GraphRendererMissingError } from './errors/graph.js';
export { createLoopsafeMetrics, type LoopsafeMetrics, type LoopsafeMetricsOptions } from './observe/metrics.js';
export type { CacheEvent, CacheEventKind } from './observe/cache-events.js';
