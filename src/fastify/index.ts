/**
 * The Fastify 5 integration: `createApp()`, the plugin, function routes and controller decorators, one request
 * scope per request, graceful shutdown.
 *
 * ```ts
 * import { createApp, route, Controller, Get } from 'loopsafe/fastify';
 * ```
 * @packageDocumentation
 * @module loopsafe/fastify
 */
export { createApp, type AppOptions, type AppModule } from './app.js';
export { checkApp } from './check.js';
export type {
  TypedAppOptions, AppOptionsOf, AppGraphOf, AnyRoute, CheckedModule, CheckedModules, ModuleRegistrations, ControllerRegistrations,
} from './typed-app-options.js';
export { defaultMonitorOptions } from './monitor.js';
export { loopsafePlugin, type LoopsafePluginOptions } from './plugin.js';
export { route, type RouteDeclaration } from './route.js';
export { Controller, Inject, Params, Query, Headers, Body, Req, Reply, type ControllerOptions } from './decorators.js';
export { Route, Get, Post, Put, Patch, Delete } from './route-decorators.js';
export type { RouteDecorator, RouteOptions, HandlerCheck, HandlerInjectMismatch, AnyHandler } from './decorator-types.js';
export { FastifyRequestToken, FastifyReplyToken } from './tokens.js';
export type { ShutdownOptions, DrainOptions, ShutdownSignal } from './shutdown.js';
export { RouteDeclarationError, ShutdownForcedError, RequestScopeUnavailableError, ReservedTokenError, type OpenConnection } from '../errors/fastify.js';
