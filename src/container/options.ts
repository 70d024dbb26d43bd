import { anyObject, anything, duration, flag, func, list, oneOf, satisfies, shape } from '../options/rules.js';
import type { Rule, Schema } from '../options/rule.js';
import { validateOptions } from '../options/validate.js';
import { lifetimes } from '../declare/lifetime.js';
import { keyName, type Key } from '../tokens.js';
import type { ContainerOptions } from './types.js';
import type { AnyProviderDef, ClassProvider, FactoryProvider, Registration, SuppliedProvider, ValueProvider } from '../declare/provider.js';

// Schema<Registration> makes a field added to Registration a compile error here until it has a rule.
const registration: Rule = shape<Registration>({ key: anything(), def: anyObject('a provider declaration') }, 'a registration made by provide()');
const detailed = list(registration, 'an array of registrations made by provide()');

/** A `{ key, def }` with no other key and an object (or no) `def`: what the detailed rule accepts, checked fast. */
function plainRegistration(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  for (const k in r) if (k !== 'key' && k !== 'def') return false;
  const def = (r as { def?: unknown }).def;
  return def === undefined || (typeof def === 'object' && def !== null && !Array.isArray(def));
}

// Every container checks its providers: a plain loop for the common case, and the detailed rule (which names the
// offending item by its path) only when something is off, so no path string is built per provider.
const registrations: Rule = {
  expected: detailed.expected,
  accepts: (v, at) => (Array.isArray(v) && v.every(plainRegistration)) || detailed.accepts(v, at),
};

/** The options of `createContainer()`. */
export const containerSchema = {
  providers: registrations,
  overrides: registrations,
  timeout: duration({ off: true }),
  inversify: satisfies('an inversify Container (isBound and getAsync methods)', (v) =>
    typeof (v as { isBound?: unknown }).isBound === 'function' && typeof (v as { getAsync?: unknown }).getAsync === 'function'),
  observer: satisfies('an object with a runFactory(trail, invoke) method, or an array of them', (v) =>
    (Array.isArray(v) ? v : [v]).every((o) => typeof (o as { runFactory?: unknown } | null)?.runFactory === 'function')),
  allowWorkerThread: flag(),
} satisfies Schema<ContainerOptions>;

/** Refuse options `createContainer()` cannot use. */
export function validateContainerOptions(options: ContainerOptions): void {
  validateOptions(containerSchema, options, 'createContainer');
}

// Each kind marks the others' keys `never` (one way to provide a key): leave those markers out of the union of keys.
type AnyDef = Omit<FactoryProvider<unknown>, 'useClass'> & Omit<ClassProvider<unknown>, 'useFactory'> & ValueProvider<unknown> & SuppliedProvider;

const constructed = {
  lifetime: oneOf(lifetimes),
  dispose: func(),
  eager: flag(),
  timeout: duration({ off: true }),
  inject: list(anything(), 'an array of keys (tokens, classes, optional(key), lazy(key))'),
};
const anyDef = {
  ...constructed,
  useFactory: func(),
  useClass: func('a class'),
  useValue: anything(),
  supplied: oneOf([true]),
} satisfies Schema<AnyDef>;

// A declaration of one kind accepts only that kind's options, so `{ useValue, lifetime }` is not silently half-read.
const byKind = {
  useFactory: { ...constructed, useFactory: anyDef.useFactory },
  useClass: { ...constructed, useClass: anyDef.useClass },
  useValue: { useValue: anyDef.useValue },
  supplied: { supplied: anyDef.supplied },
};

/**
 * Refuse a provider declaration's unknown keys (`useFactroy`, `injects`), wrong types and bounds, when it is
 * registered (the container notes what this throws, and the boot reports it). Which keys may appear together (one
 * kind, eager singletons) is checked with the graph at boot.
 */
export function validateProviderDef(key: Key, def: AnyProviderDef | undefined): void {
  if (typeof def !== 'object' || def === null) return; // the boot check reports a missing or non-object declaration
  // Spelt out rather than a loop over the kind names: constant-key tests are what V8 makes cheap, and every
  // registration comes through here.
  const factory = 'useFactory' in def;
  const cls = 'useClass' in def;
  const value = 'useValue' in def;
  const supplied = 'supplied' in def;
  // A class registered under itself, or a misspelt kind: every name is valid here, so the typo finds its match.
  const schema = (+factory + +cls + +value + +supplied !== 1 ? anyDef
    : factory ? byKind.useFactory : cls ? byKind.useClass : value ? byKind.useValue : byKind.supplied) as Schema<AnyProviderDef>;
  try {
    validateOptions(schema, def, 'provider');
  } catch {
    // Rare: the key's display name is built only now, by checking again with it (registration is the hot part of
    // creating a container, and most declarations are valid).
    validateOptions(schema, def, `provider ${keyName(key)}`);
  }
}
