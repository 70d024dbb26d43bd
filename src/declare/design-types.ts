import { InvalidProviderError } from '../errors/container.js';
import { plainClassInfo, type ClassInfo } from './class-info.js';
import type { AnyClass, Dep } from './provider.js';

// The types TypeScript writes for a parameter whose type is not a class (an interface, a union, a primitive), or
// `undefined` when a circular import left the class undefined at decoration time: no provider can be found by them.
const notInjectable = new Set<unknown>([Object, Function, String, Number, Boolean, BigInt, Symbol, Array, Promise, undefined]);

/**
 * Read a class's constructor dependencies from the `design:paramtypes` TypeScript emits (emitDecoratorMetadata) for
 * a decorated class: each parameter's class is its key. Parameters from the first one with a default value on
 * (which `Class.length` does not count) keep their defaults, as an `inject` list may leave them out.
 */
export function readDesignTypes(cls: AnyClass, name: string): ClassInfo {
  const required = cls.length;
  if (required === 0) return plainClassInfo([]);
  // Own metadata only: a subclass without a decorator of its own would otherwise be given its base's parameters.
  const types = (Reflect.getOwnMetadata('design:paramtypes', cls) as unknown[] | undefined)?.slice(0, required);
  const bad = types === undefined ? -1 : types.findIndex((type) => notInjectable.has(type) || typeof type !== 'function');
  if (types === undefined || bad !== -1 || types.length < required) {
    const which = types === undefined ? 'no parameter types (it has no decorator, emitDecoratorMetadata is off, or it uses standard decorators, which emit none)' : bad === -1 ? 'fewer parameter types than parameters' : `parameter ${bad} typed as something that is not a class`;
    throw new InvalidProviderError(
      [name],
      `${name} has constructor parameters loopsafe cannot see: ${which}`,
      "Pass { inject: [...] } when registering it, or declare it on the class with @Injectable({ inject: [...] }) (the way with standard decorators). Class-typed parameters are read from decorator metadata (a decorated class with emitDecoratorMetadata on); inversify's @inject(token) needs `import 'loopsafe/inversify'`.",
    );
  }
  return plainClassInfo(types as Dep[]);
}
