import { InvalidOptionError } from '../errors/container.js';
import type { Rule, Schema } from './rule.js';
import { closestName } from './suggest.js';

/**
 * Check a whole options object against its schema, once, at the entry point `where` (`createApp`,
 * `provider Db`): an unknown key (with the closest valid name when it looks misspelt), a missing required option,
 * a wrong type or a value out of bounds throws `LOOPSAFE_ERR_OPTION_INVALID` naming the option's dotted path.
 * Defaults are applied by the caller, where the value is read (an optional options object defaults to `{}` there).
 */
export function validateOptions<T>(schema: Schema<T>, options: T, where: string): void {
  checkShape(schema as Readonly<Record<string, Rule>>, options, where, '');
}

/** Check one (possibly nested) object against a schema; `path` is its dotted path with a trailing dot, or ''. @internal */
export function checkShape(rules: Readonly<Record<string, Rule>>, value: unknown, where: string, path: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(where, path === '' ? 'options' : path.slice(0, -1), 'an object', value);
  }
  const known = knownOf(rules);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(rules, key)) {
      throw new InvalidOptionError(where, path + key, '', given[key], { known: [...known], suggestion: closestName(key, known) });
    }
  }
  for (const key of known) {
    const rule = rules[key]!;
    const v = given[key];
    // The option's path is built only for options that were given (most of a schema's are not).
    if (v === undefined) {
      if (rule.required === true) throw new InvalidOptionError(where, path + key, rule.expected, v);
      continue;
    }
    const option = path + key;
    if (!rule.accepts(v, { where, option })) throw new InvalidOptionError(where, option, rule.expected, v);
  }
}

// A schema's option names, listed once per schema rather than on every call.
const knownNames = new WeakMap<object, string[]>();

function knownOf(rules: Readonly<Record<string, Rule>>): string[] {
  let known = knownNames.get(rules);
  if (known === undefined) knownNames.set(rules, (known = Object.keys(rules)));
  return known;
}
