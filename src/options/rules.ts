import { InvalidOptionError } from '../errors/container.js';
import type { Rule, Schema } from './rule.js';
import { checkShape } from './validate.js';

/** The longest delay a Node timer honours; a longer one (or `Infinity`) silently fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The same rule, which must be given. */
export function required(rule: Rule): Rule {
  return { ...rule, required: true };
}

/**
 * A number of milliseconds, finite, from `min` (default 0) to `max` (default 2^31-1, a timer's limit), whole unless
 * `whole: false`. With `off: true`, `0` is accepted too and means "off" (then `min` defaults to 1).
 */
export function duration(spec: { readonly min?: number; readonly max?: number; readonly off?: boolean; readonly whole?: boolean } = {}): Rule {
  const off = spec.off === true;
  const min = spec.min ?? (off ? 1 : 0);
  const max = spec.max ?? MAX_TIMER_MS;
  const whole = spec.whole ?? true;
  return {
    expected: `${off ? '0 (off) or ' : ''}a ${whole ? 'whole ' : ''}number of milliseconds from ${min} to ${max}`,
    accepts: (v) => (off && v === 0) || (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!whole || Number.isInteger(v))),
  };
}

/** A whole number (a count, a port) from `min` to `max`. */
export function count(min: number, max = Number.MAX_SAFE_INTEGER): Rule {
  return {
    expected: `a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`,
    accepts: (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
  };
}

/** `true` or `false`. */
export function flag(): Rule {
  return { expected: 'true or false', accepts: (v) => typeof v === 'boolean' };
}

/** One of a few values, compared with `===`. */
export function oneOf(values: readonly unknown[]): Rule {
  const names = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  return {
    expected: names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`,
    accepts: (v) => values.includes(v),
  };
}

/** A string; `nonEmpty` refuses `''`, `pattern` must match. */
export function text(spec: { readonly nonEmpty?: boolean; readonly pattern?: RegExp; readonly expected?: string } = {}): Rule {
  return {
    expected: spec.expected ?? (spec.nonEmpty === true ? 'a non-empty string' : 'a string'),
    accepts: (v) => typeof v === 'string' && (spec.nonEmpty !== true || v !== '') && (spec.pattern === undefined || spec.pattern.test(v)),
  };
}

/** A function (or class). */
export function func(expected = 'a function'): Rule {
  return { expected, accepts: (v) => typeof v === 'function' };
}

/** Anything but `undefined`: for values loopsafe passes on without reading (a `useValue`). */
export function anything(): Rule {
  return { expected: 'any value', accepts: () => true };
}

/** A value for which `test` holds: for objects only their own code can recognise (a container, a serializer). */
export function satisfies(expected: string, test: (value: unknown) => boolean): Rule {
  return { expected, accepts: test };
}

/**
 * A plain object passed on to another library (fastify's options, ioredis's): only its type is checked here.
 * `passesTo` names that library when the object holds its options, for the hint on an unknown option beside it.
 */
export function anyObject(expected = 'an object', passesTo?: string): Rule {
  const accepts = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  return passesTo === undefined ? { expected, accepts } : { expected, accepts, passesTo };
}

/** A nested options object, with its own schema: unknown keys and bad values are named by their dotted path. */
export function shape<T>(schema: Schema<T>, expected = 'an object'): Rule {
  return {
    expected,
    accepts(v, at) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      checkShape(schema as Readonly<Record<string, Rule>>, v, at.where, `${at.option}.`);
      return true;
    },
  };
}

/** An array of at least `minItems` items; each item (named `option[i]`) must pass `item`. */
export function list(item: Rule, expected = `an array of ${item.expected.replace(/^an? /, '')}s`, minItems = 0): Rule {
  return {
    expected,
    accepts(v, at) {
      if (!Array.isArray(v) || v.length < minItems) return false;
      v.forEach((element: unknown, i) => {
        const option = `${at.option}[${i}]`;
        if (!item.accepts(element, { where: at.where, option })) throw new InvalidOptionError(at.where, option, item.expected, element);
      });
      return true;
    },
  };
}

/** An object whose every value passes `item` (environment variables). */
export function record(item: Rule): Rule {
  return {
    expected: `an object of ${item.expected.replace(/^an? /, '')}s`,
    accepts(v, at) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      for (const [key, element] of Object.entries(v)) {
        const option = `${at.option}.${key}`;
        if (!item.accepts(element, { where: at.where, option })) throw new InvalidOptionError(at.where, option, item.expected, element);
      }
      return true;
    },
  };
}

/** Either rule: `shutdown: false` or a shutdown options object. The first that accepts the value wins. */
export function either(first: Rule, second: Rule): Rule {
  return {
    expected: `${first.expected} or ${second.expected}`,
    accepts: (v, at) => first.accepts(v, at) || second.accepts(v, at),
  };
}
