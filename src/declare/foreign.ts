/**
 * The boundary to an attached inversify `Container`: keys loopsafe has no provider for are asked there. Only the two
 * methods below are used, so the core needs none of inversify's code or types; inversify's errors become loopsafe's.
 */
import { InversifyError } from '../errors/container.js';
import { keyName, type Key } from '../tokens.js';

/**
 * What loopsafe asks of the container passed as `createContainer({ inversify })`: an inversify 7 or 8 `Container`
 * has both methods, so pass it as it is.
 */
export interface InversifyContainerLike {
  /** True when the container binds the key. */
  isBound(key: Key): boolean;
  /** Resolve the key, running async bindings. */
  getAsync(key: Key): Promise<unknown>;
}

/** An attached container, asked for keys that loopsafe has no provider for. */
export interface ForeignContainer {
  has(key: Key): boolean;
  resolve(key: Key, path: readonly string[]): Promise<unknown>;
}

/** Wrap an inversify `Container` so keys bound there resolve through loopsafe. */
export function attachInversify(container: InversifyContainerLike): ForeignContainer {
  return {
    has(key) {
      try {
        return container.isBound(key);
      } catch {
        return false;
      }
    },
    resolve(key, path) {
      let pending: Promise<unknown>;
      try {
        pending = container.getAsync(key);
      } catch (error) {
        return Promise.reject(new InversifyError(path.length === 0 ? [keyName(key)] : path, error));
      }
      return pending.catch((error: unknown) => {
        throw new InversifyError(path.length === 0 ? [keyName(key)] : path, error);
      });
    },
  };
}
