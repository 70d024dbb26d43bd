export { createContainer, type Container, type ContainerOptions } from './container/container.js';
export {
  provide, optional, type Registration, type ProviderDef, type FactoryProvider, type ClassProvider, type ValueProvider,
  type SuppliedProvider, type SelfProvider, type AnyProviderDef, type ConstructedOptions, type Optional, type Dep, type DepType, type DepTypes,
} from './container/provider.js';
export { token, type Token, type Class, type Newable, type Key, type KeyType } from './tokens.js';
export type { Lifetime } from './scopes/lifetime.js';
export type { Scope } from './scopes/scope.js';
export type { ResolutionObserver, ResolutionTrail } from './resolution/observer.js';
export { LoopsafeError, ResolutionPathError } from './errors/base.js';
export {
  BootError, MissingProviderError, CycleError, CaptiveDependencyError, InvalidProviderError, DuplicateProviderError,
  ContainerFrozenError, InvalidOptionError, ProviderFailedError, ProviderTimeoutError, ScopeRequiredError,
  SuppliedValueMissingError, SupplyError, AsyncProviderError, DisposedError, DisposalError, WrongThreadError, InversifyError,
} from './errors/container.js';
export { createThreadMonitor, type ThreadMonitor, type ThreadMonitorOptions, type ThreadMonitorStats, type MonitorMode } from './threads/monitor.js';
export { countThreads } from './threads/count.js';
export { threadChannels } from './threads/channels.js';
export type { OffloadFinding, LoopBlockFinding, ThreadSample } from './threads/findings.js';
export type { SourceSite } from './threads/site.js';
export type { WorkKind } from './threads/work.js';
export type { MetricsRegistry } from './threads/metrics.js';
export { ThreadOffloadError, LoopBlockedError, ThreadCountUnsupportedError } from './errors/threads.js';
