import { LoopsafeError } from './base.js';

/**
 * A route or controller declaration is malformed: a controller class without `@Controller()`, a handler that is
 * not a function, a parameter with two decorators, an unknown HTTP method. Reported inside the boot's `BootError`.
 */
export class RouteDeclarationError extends LoopsafeError {
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID`. */
  static readonly code = 'LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID';
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_ROUTE_INVALID`. */
  readonly code = RouteDeclarationError.code;
  /** The class name, kept through minification. */
  override name = 'RouteDeclarationError' as const;
  /** The route or controller, for example `UsersController.get` or `GET /users/:id`. */
  readonly route: string;

  constructor(route: string, detail: string, fix: string) {
    super(`${detail} in ${route}. ${fix}`);
    this.route = route;
  }
}

/** A connection still open when a shutdown was forced, as {@link ShutdownForcedError.connections} lists it. */
export interface OpenConnection {
  /** The client's address and port, `127.0.0.1:51234`. */
  readonly remote: string;
  /**
   * `active`: a request in progress; `idle`: a keep-alive connection between requests; `silent`: connected and sent
   * nothing; `partial`: part of a request's headers arrived; `handshake`: TLS handshake not finished.
   */
  readonly state: 'active' | 'idle' | 'silent' | 'partial' | 'handshake';
  /** The requests in progress on it, as `METHOD url`. */
  readonly requests: readonly string[];
}

/**
 * A graceful shutdown had to cut requests short: the drain timeout passed, or a second signal arrived.
 * It is logged (never thrown) with `running`, the requests that were still in flight, and `connections`, every
 * connection still open with its client address and state.
 */
export class ShutdownForcedError extends LoopsafeError {
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED`. */
  static readonly code = 'LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED';
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_SHUTDOWN_FORCED`. */
  readonly code = ShutdownForcedError.code;
  /** The class name, kept through minification. */
  override name = 'ShutdownForcedError' as const;
  /** The requests still in flight when the drain was cut, as `METHOD url`. */
  readonly running: readonly string[];
  /** Every connection still open when the drain was cut. */
  readonly connections: readonly OpenConnection[];

  constructor(reason: string, connections: readonly OpenConnection[]) {
    const running = connections.flatMap((c) => c.requests);
    const list = running.length === 0 ? 'no request was still running' : `still running: ${running.join(', ')}`;
    const open = connections.length === 0 ? '' : `; open connections: ${connections.map((c) => `${c.remote} ${c.state}`).join(', ')}`;
    super(`Shutdown forced by ${reason}; ${list}${open}. Raise shutdown.timeout, or make those handlers finish sooner (abort slow work on shutdown).`);
    this.running = running;
    this.connections = connections;
  }
}

/** `request.di` was read before the loopsafe plugin's `onRequest` hook ran for that request. */
export class RequestScopeUnavailableError extends LoopsafeError {
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_SCOPE_UNAVAILABLE`. */
  static readonly code = 'LOOPSAFE_ERR_FASTIFY_SCOPE_UNAVAILABLE';
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_SCOPE_UNAVAILABLE`. */
  readonly code = RequestScopeUnavailableError.code;
  /** The class name, kept through minification. */
  override name = 'RequestScopeUnavailableError' as const;

  constructor(url: string) {
    super(`request.di was read for ${url} before the loopsafe plugin's onRequest hook ran. Register loopsafePlugin before the hooks that use request.di (createApp does), or read it from a later hook.`);
  }
}

/**
 * A provider was registered for `FastifyRequestToken` or `FastifyReplyToken`. The plugin supplies those to every
 * request scope; a provider of the app's own would replace the real request or reply. Reported inside the boot's
 * `BootError`.
 */
export class ReservedTokenError extends LoopsafeError {
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED`. */
  static readonly code = 'LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED';
  /** The stable code, `LOOPSAFE_ERR_FASTIFY_TOKEN_RESERVED`. */
  readonly code = ReservedTokenError.code;
  /** The class name, kept through minification. */
  override name = 'ReservedTokenError' as const;

  constructor(token: string) {
    super(
      `A provider is registered for ${token}, which the loopsafe plugin supplies to every request scope; it would replace the real one. ` +
        `Remove that registration and inject ${token}Token as it is, or register your value under a token of your own.`,
    );
  }
}
