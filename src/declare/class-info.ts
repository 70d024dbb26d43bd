import type { Lifetime } from './lifetime.js';
import { isOptional, type Dep } from './provider.js';

/** What a class needs to be constructed, as a class-metadata reader found it. */
export interface ClassInfo {
  readonly ctor: readonly Dep[];
  readonly props: readonly (readonly [string | symbol, Dep])[];
  readonly postConstruct: readonly (string | symbol)[];
  readonly preDestroy: readonly (string | symbol)[];
  readonly lifetime: Lifetime | undefined;
}

/** A class with nothing to inject besides (maybe) its constructor, no hooks and no lifetime of its own. */
export function plainClassInfo(ctor: readonly Dep[]): ClassInfo {
  return { ctor, props: [], postConstruct: [], preDestroy: [], lifetime: undefined };
}

/**
 * Assign the injected properties (their values follow the constructor's `arity` arguments). An optional property
 * that got nothing keeps its initializer, as inversify does, instead of being overwritten with `undefined`.
 */
export function injectProperties(
  instance: Record<string | symbol, unknown>, props: ClassInfo['props'], args: readonly unknown[], arity: number,
): void {
  for (let i = 0; i < props.length; i++) {
    const [prop, dep] = props[i]!;
    const value = args[arity + i];
    if (value === undefined && isOptional(dep)) continue;
    instance[prop] = value;
  }
}
