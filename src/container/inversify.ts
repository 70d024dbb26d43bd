// inversify's decorators store their metadata through the reflect-metadata polyfill.
import 'reflect-metadata';
/**
 * The one module that talks to inversify: it reads inversify's class metadata and resolves through an
 * attached inversify `Container`. inversify's own errors are translated into loopsafe's here, so users
 * never have to import or catch them.
 */
import { ClassElementMetadataKind, getClassMetadata, type ClassElementMetadata } from '@inversifyjs/core';
import { LazyServiceIdentifier, type Container as InversifyContainer } from 'inversify';
import { InvalidProviderError, InversifyError } from '../errors/container.js';
import { refuseUnsupported } from './inversify-unsupported.js';
import type { Lifetime } from '../scopes/lifetime.js';
import { keyName, type Key } from '../tokens.js';
import { isOptional, optional, type AnyClass, type Dep } from './provider.js';

/** What a class needs to be constructed, read from inversify's decorators (and `design:paramtypes`). */
export interface ClassInfo {
  readonly ctor: readonly Dep[];
  readonly props: readonly (readonly [string | symbol, Dep])[];
  readonly postConstruct: readonly (string | symbol)[];
  readonly preDestroy: readonly (string | symbol)[];
  readonly lifetime: Lifetime | undefined;
}

const scopes: Record<string, Lifetime> = { Singleton: 'singleton', Request: 'request', Transient: 'transient' };

// An `@unmanaged()` parameter is passed `undefined`: an optional key that is never registered.
const unmanaged = optional(Symbol('unmanaged'));

/** Read a class's dependencies from inversify metadata. */
export function readClassInfo(cls: AnyClass, name: string): ClassInfo {
  let metadata;
  try {
    metadata = getClassMetadata(cls as never);
  } catch (error) {
    throw new InvalidProviderError(
      [name],
      `${name} has constructor parameters loopsafe cannot see`,
      `Pass { inject: [...] } when registering it, or decorate the class with inversify's @injectable() and each parameter with @inject(token) (emitDecoratorMetadata fills in class-typed ones).`,
      { cause: error },
    );
  }
  const toDep = (element: ClassElementMetadata, where: string): Dep => {
    if (element.kind === ClassElementMetadataKind.unmanaged) return unmanaged;
    refuseUnsupported(element, name, where);
    const id = LazyServiceIdentifier.is(element.value) ? element.value.unwrap() : element.value;
    const key = id as Key;
    return element.optional ? optional(key) : key;
  };
  const ctor = metadata.constructorArguments.map((element, i) => toDep(element, `constructor parameter ${i}`));
  const props = [...metadata.properties].map(([prop, element]) => [prop, toDep(element, `property ${String(prop)}`)] as const);
  return {
    ctor,
    props,
    postConstruct: [...metadata.lifecycle.postConstructMethodNames],
    preDestroy: [...metadata.lifecycle.preDestroyMethodNames],
    lifetime: metadata.scope === undefined ? undefined : scopes[metadata.scope],
  };
}

/**
 * Assign the injected properties (their values follow the constructor's `arity` arguments). An `@optional()`
 * property that got nothing keeps its initializer, as inversify does, instead of being overwritten with `undefined`.
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

/** An attached inversify container, asked for keys that loopsafe has no provider for. */
export interface ForeignContainer {
  has(key: Key): boolean;
  resolve(key: Key, path: readonly string[]): Promise<unknown>;
}

/** Wrap an inversify `Container` so keys bound there resolve through loopsafe. */
export function attachInversify(container: InversifyContainer): ForeignContainer {
  return {
    has(key) {
      try {
        return container.isBound(key as never);
      } catch {
        return false;
      }
    },
    resolve(key, path) {
      let pending: Promise<unknown>;
      try {
        pending = container.getAsync(key as never);
      } catch (error) {
        return Promise.reject(new InversifyError(path.length === 0 ? [keyName(key)] : path, error));
      }
      return pending.catch((error: unknown) => {
        throw new InversifyError(path.length === 0 ? [keyName(key)] : path, error);
      });
    },
  };
}
