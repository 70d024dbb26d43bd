// The container's errors, by job: boot (the graph and registration), options, resolution, disposal. Re-exported
// here so the modules (and src/index.ts) that import the container's errors name one place.
export {
  BootError, type BootProblem, MissingProviderError, CycleError, CaptiveDependencyError, InvalidProviderError, DuplicateProviderError,
  ContainerFrozenError,
} from './boot.js';
export { InvalidOptionError } from './options.js';
export {
  ProviderFailedError, ProviderTimeoutError, ScopeRequiredError, SuppliedValueMissingError, SupplyError, AsyncProviderError,
  WrongThreadError, InversifyError,
} from './resolution.js';
export { DisposedError, DisposalError } from './disposal.js';
