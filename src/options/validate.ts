import { InvalidOptionError } from '../errors/container.js';
import type { OptionAt, Rule, Schema } from './rule.js';
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
  const schema = compiled(rules);
  const given = value as Record<string, unknown>;
  const proto: unknown = Object.getPrototypeOf(given);
  if (proto !== Object.prototype && proto !== null) {
    // An instance of a class: its options may be getters on the prototype, which only reading each name sees.
    explain(schema, given, where, path, schema.names);
    return;
  }
  // Every container and provider declaration comes through here, so the common case, a valid object, is one walk
  // of the options given (a few, not the schema's many), with no path strings and no allocation; only a failure
  // walks again with the paths, to name the option (unknown keys first, so a misspelling is named beside another
  // mistake).
  if (!quickCheck(schema, given)) explain(schema, given, where, path, Object.keys(given));
  for (const key of schema.required) {
    if (given[key] === undefined) throw new InvalidOptionError(where, path + key, schema.rules[key]!.expected, undefined);
  }
}

/** Where quickCheck() says an option sits: it only asks whether the value is acceptable. */
const unnamed: OptionAt = { where: '', option: '' };

/** True when every option given is known and acceptable. A nested rule may throw (with a wrong path): that is false. */
function quickCheck(schema: Compiled, given: Record<string, unknown>): boolean {
  try {
    for (const key in given) {
      const rule = schema.rules[key];
      // for-in also lists inherited enumerable keys; only an object's own keys are its options.
      if (rule === undefined) {
        if (Object.hasOwn(given, key)) return false;
        continue;
      }
      const v = given[key];
      if (v !== undefined && !rule.accepts(v, unnamed)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Throw the error for the first unknown own key, else for the first bad value among `read` (the keys given, or for
 * a class instance every name of the schema), each named by its dotted path.
 */
function explain(schema: Compiled, given: Record<string, unknown>, where: string, path: string, read: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (schema.rules[key] === undefined) {
      const suggestion = closestName(key, schema.names);
      throw new InvalidOptionError(where, path + key, '', given[key], { known: schema.names, suggestion, ...(suggestion === undefined ? { passed: schema.passed } : {}) });
    }
  }
  for (const key of read) {
    const rule = schema.rules[key];
    const v = given[key];
    if (rule === undefined || v === undefined) continue;
    const option = path + key;
    if (!rule.accepts(v, { where, option })) throw new InvalidOptionError(where, option, rule.expected, v);
  }
}

/** A schema as the check reads it: rules in a table with no prototype (so `toString` is no option), names listed once. */
interface Compiled {
  readonly rules: Readonly<Record<string, Rule | undefined>>;
  readonly names: readonly string[];
  readonly required: readonly string[];
  /** The options at this level that carry another library's options, with that library (see `Rule.passesTo`). */
  readonly passed: readonly { readonly option: string; readonly library: string }[];
}

const compiledSchemas = new WeakMap<object, Compiled>();

function compiled(rules: Readonly<Record<string, Rule>>): Compiled {
  let schema = compiledSchemas.get(rules);
  if (schema === undefined) {
    const names = Object.keys(rules);
    const table = Object.create(null) as Record<string, Rule>;
    for (const name of names) table[name] = rules[name]!;
    const passed = names.flatMap((option) => {
      const library = rules[option]!.passesTo;
      return library === undefined ? [] : [{ option, library }];
    });
    schema = { rules: table, names, required: names.filter((name) => rules[name]!.required === true), passed };
    compiledSchemas.set(rules, schema);
  }
  return schema;
}
