import { CacheDecodeError, CacheSerializationError } from '../errors/cache.js';

/**
 * Turns cache values into strings and back. The default is strict JSON: it refuses anything JSON would silently
 * change (a `Date` that comes back as a string, a `Map` that comes back as `{}`), so a bad value fails at `set`
 * instead of corrupting a later read.
 */
export interface CacheSerializer {
  /** Encode a value. Throw to refuse it; the error becomes the `cause` of `LOOPSAFE_ERR_CACHE_UNSERIALIZABLE`. */
  serialize(value: unknown): string;
  /** Decode what `serialize` produced. */
  deserialize(data: string): unknown;
}

/** Strict JSON: plain objects, arrays, strings, finite numbers, booleans and null. */
export const jsonSerializer: CacheSerializer = {
  serialize(value) {
    const problem = findProblem(value, 'value', new Set());
    if (problem !== undefined) throw new TypeError(problem);
    return JSON.stringify(value);
  },
  deserialize(data) {
    return JSON.parse(data);
  },
};

/** Encode `value` for `key`, turning any refusal into a coded error. */
export function encode(serializer: CacheSerializer, key: string, value: unknown): string {
  let data: unknown;
  try {
    data = serializer.serialize(value);
  } catch (error) {
    throw new CacheSerializationError(key, error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (typeof data !== 'string') throw new CacheSerializationError(key, `the serializer returned ${typeof data}, not a string`);
  return data;
}

/** Decode the stored data of `key`. */
export function decode(serializer: CacheSerializer, key: string, data: string): unknown {
  try {
    return serializer.deserialize(data);
  } catch (error) {
    throw new CacheDecodeError(key, error);
  }
}

function findProblem(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON stores as null`;
    case 'undefined':
      return `${path} is undefined, which cannot be told apart from a miss`;
    case 'object':
      return value === null ? undefined : findObjectProblem(value, path, seen);
    default:
      return `${path} is a ${typeof value}, which JSON cannot store`;
  }
}

function findObjectProblem(value: object, path: string, seen: Set<object>): string | undefined {
  if (seen.has(value)) return `${path} refers back to itself (a cycle)`;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return `${path} is an array subclass, which comes back as a plain array`;
    seen.add(value);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return `${path}[${i}] is a hole in a sparse array, which JSON stores as null`;
      const item: unknown = value[i];
      const problem = item === undefined ? `${path}[${i}] is undefined, which JSON stores as null` : findProblem(item, `${path}[${i}]`, seen);
      if (problem !== undefined) return problem;
    }
    seen.delete(value);
    return undefined;
  }
  if (proto !== Object.prototype && proto !== null) {
    const name = (value.constructor as { name?: string } | undefined)?.name ?? 'object';
    return `${path} is a ${name}, which comes back as ${name === 'Date' ? 'a string' : 'a plain object'}`;
  }
  if (Object.getOwnPropertySymbols(value).length > 0) return `${path} has symbol keys, which JSON drops`;
  seen.add(value);
  for (const [k, item] of Object.entries(value)) {
    // An undefined property is absent after a round trip; reading it gives undefined either way.
    if (item === undefined) continue;
    const problem = findProblem(item, `${path}.${k}`, seen);
    if (problem !== undefined) return problem;
  }
  seen.delete(value);
  return undefined;
}
