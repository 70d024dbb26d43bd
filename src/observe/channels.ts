// The public face of loopsafe's tracing channels: their names and the context each publishes. Each channel is
// declared by the layer that publishes on it (resolution, scopes, container), so this module only re-exports.
export { loopsafeChannels } from '../channels.js';
export type { BootContext } from '../container/container.js';
export type { ResolveContext } from '../resolution/tracer.js';
export type { ScopeContext } from '../scopes/scope.js';
