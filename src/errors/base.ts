const brand = Symbol.for('loopsafe.error');

/**
 * The base of every error loopsafe throws.
 *
 * The `code` is the contract: it is stable across releases and has a row in `docs/errors.md`.
 * The message may improve over time, so match on `code` (or `instanceof` a subclass), never on wording.
 * {@link LoopsafeError.is} recognises errors from a second installed copy of loopsafe too.
 */
export abstract class LoopsafeError extends Error {
  /** The stable string code, for example `LOOPSAFE_ERR_BOOT`. */
  abstract readonly code: string;

  /** @internal */
  readonly [brand] = true;

  /** The class name, for logs and stack traces. */
  override name = 'LoopsafeError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }

  /**
   * True for any loopsafe error, even one thrown by another installed copy of the package.
   * Pass a code to check for one failure in particular.
   */
  static is(value: unknown, code?: string): value is LoopsafeError {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[brand] !== true) {
      return false;
    }
    return code === undefined || (value as { code?: unknown }).code === code;
  }
}

/** Hidden state of a copy made by `withParent`: its parent's name and the rest of the path, read only when asked. */
interface PathLink {
  readonly name: string;
  readonly rest: PathLink | readonly string[];
  /** The error thrown where the path ends: its stack frames are the copy's. */
  readonly origin: Error;
}

const link = Symbol('loopsafe.pathLink');

/**
 * A failure that happened while resolving a provider. `path` lists the providers from the one asked for
 * down to the one that failed, and grows while the error unwinds, so no shared resolution stack exists.
 */
export abstract class ResolutionPathError extends LoopsafeError {
  /** Providers from the one asked for to the one that failed, for example `['UserService', 'Repo', 'Db']`. */
  declare readonly path: readonly string[];
  /** @internal */
  declare readonly detail: string;
  /** @internal */
  declare readonly fix: string;

  constructor(path: readonly string[], detail: string, fix: string, options?: ErrorOptions) {
    super(formatPath(path, detail, fix), options);
    Object.defineProperty(this, 'path', { value: path, enumerable: true, configurable: true });
    Object.defineProperty(this, 'detail', { value: detail });
    Object.defineProperty(this, 'fix', { value: fix });
  }

  /**
   * A copy of this error, of the same class and code, whose path starts one provider higher.
   * Built while the error unwinds, so concurrent resolutions never share a path. It costs the same at any depth:
   * the path is a linked list turned into an array (and the message formatted) once, when first read, so an error
   * that unwinds through 100,000 providers is built in linear time.
   * @internal
   */
  withParent(name: string): this {
    const self = this as unknown as Record<symbol, PathLink | undefined>;
    const previous = self[link];
    const chain: PathLink = { name, rest: previous ?? this.path, origin: previous?.origin ?? this };
    // Reflect.construct gives a real native error (loggers and util.types.isNativeError see one) with this
    // subclass's prototype, without rerunning its constructor. Its own stack is never used: skip capturing it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let copy: this;
    try {
      copy = Reflect.construct(Error, [undefined, { cause: this.cause }], this.constructor) as this;
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (!('cause' in this)) delete (copy as { cause?: unknown }).cause;
    for (const key of Reflect.ownKeys(this)) {
      if (key === 'stack' || key === 'message' || key === 'cause' || key === 'path' || key === link) continue;
      Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(this, key)!);
    }
    Object.defineProperty(copy, link, { value: chain });
    defineLazy(copy, 'path', true, () => materialize(chain));
    defineLazy(copy, 'message', false, () => formatPath(copy.path, this.detail, this.fix));
    defineLazy(copy, 'stack', false, () => {
      const stack = chain.origin.stack;
      const frames = typeof stack === 'string' ? stack.indexOf('\n    at ') : -1;
      return `${copy.name}: ${copy.message}${frames === -1 ? '' : stack!.slice(frames)}`;
    });
    return copy;
  }
}

/** A property computed on first read, then kept; assigning it (a logger rewriting `stack`) replaces it. */
function defineLazy(target: object, key: string, enumerable: boolean, compute: () => unknown): void {
  Object.defineProperty(target, key, {
    enumerable,
    configurable: true,
    get() {
      const value = compute();
      Object.defineProperty(target, key, { value, enumerable, configurable: true, writable: true });
      return value;
    },
    set(value: unknown) {
      Object.defineProperty(target, key, { value, enumerable, configurable: true, writable: true });
    },
  });
}

/** The path of a chain of copies, from the top: one walk, one array. */
function materialize(chain: PathLink): readonly string[] {
  const names: string[] = [];
  let at: PathLink | readonly string[] = chain;
  while (!Array.isArray(at)) {
    const node = at as PathLink;
    names.push(node.name);
    at = node.rest;
  }
  for (const name of at as readonly string[]) names.push(name);
  return names;
}

function formatPath(path: readonly string[], detail: string, fix: string): string {
  return `${detail} while resolving ${path.join(' -> ')}. ${fix}`;
}

/**
 * Brand of an error an observer raises about a factory run (the thread monitor's `LOOPSAFE_ERR_THREAD_OFFLOAD`,
 * for one), as opposed to the factory's own failure. The container passes such an error to the caller as it is,
 * instead of wrapping it in `LOOPSAFE_ERR_PROVIDER_FAILED`, so its code survives. @internal
 */
export const OBSERVER_VERDICT: unique symbol = Symbol.for('loopsafe.observerVerdict');
