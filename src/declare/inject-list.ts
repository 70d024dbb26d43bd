import type { Dep } from './provider.js';

// The constructor dependencies a class decorator declared (`@Injectable({ inject })`, `@Controller(prefix, { inject })`),
// by class: standard decorators have no parameter decorators and no `design:paramtypes`, so the list is the only
// way a class can say what its constructor needs. Keyed by the class itself, so a subclass is not given its base's.
const lists = new WeakMap<object, readonly Dep[]>();

/** Record the constructor dependencies a class decorator declared. */
export function declareInjectList(cls: object, inject: readonly Dep[]): void {
  lists.set(cls, [...inject]);
}

/** The constructor dependencies the class's own decorator declared, if one did. */
export function declaredInjectList(cls: object): readonly Dep[] | undefined {
  return lists.get(cls);
}
