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
import type { Lifetime } from './lifetime.js';
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
  return infoOf(metadata, name, true);
}

const noMembers: ClassInfo = { ctor: [], props: [], postConstruct: [], preDestroy: [], lifetime: undefined };

/**
 * Read what inversify's decorators say about a class besides its constructor (injected properties, lifecycle
 * hooks, scope), for a class whose constructor arguments an `inject` list gives. `ctor` is empty.
 */
export function readMemberInfo(cls: AnyClass, name: string): ClassInfo {
  let metadata: ClassMetadata | undefined;
  try {
    metadata = getClassMetadata(cls as never);
  } catch (error) {
    // getClassMetadata() describes no part of a class whose constructor it cannot describe (a `string` parameter,
    // which the inject list gives). The rest is in the metadata inversify's decorators stored on the class; a
    // shape loopsafe does not recognise is refused rather than read wrong.
    metadata = storedMetadata(cls);
    if (metadata === undefined) {
      if (!Reflect.getOwnMetadataKeys(cls).some((k) => typeof k === 'string' && k.startsWith('@inversifyjs/'))) return noMembers;
      throw new InvalidProviderError(
        [name],
        `${name} has inversify decorators (properties or lifecycle hooks) loopsafe cannot read beside its inject list`,
        `Complete the decorators inversify reports in the cause (a property needs @inject(token)), or drop them and set the properties yourself.`,
        { cause: error },
      );
    }
  }
  return infoOf(metadata, name, false);
}

type ClassMetadata = ReturnType<typeof getClassMetadata>;

/** The class metadata inversify's decorators stored, when it has the shape this version of inversify writes. */
function storedMetadata(cls: AnyClass): ClassMetadata | undefined {
  const stored: unknown = Reflect.getOwnMetadata('@inversifyjs/core/classMetadataReflectKey', cls);
  const m = stored as Partial<ClassMetadata> | undefined;
  const known = new Set<unknown>(Object.values(ClassElementMetadataKind));
  const ok = m !== undefined && m.properties instanceof Map && m.lifecycle?.postConstructMethodNames instanceof Set &&
    m.lifecycle.preDestroyMethodNames instanceof Set && [...m.properties.values()].every((e) => known.has((e as { kind?: unknown }).kind));
  return ok ? (m as ClassMetadata) : undefined;
}

function infoOf(metadata: ClassMetadata, name: string, withConstructor: boolean): ClassInfo {
  const toDep = (element: ClassElementMetadata, where: string): Dep => {
    if (element.kind === ClassElementMetadataKind.unmanaged) return unmanaged;
    refuseUnsupported(element, name, where);
    const id = LazyServiceIdentifier.is(element.value) ? element.value.unwrap() : element.value;
    const key = id as Key;
    return element.optional ? optional(key) : key;
  };
  const ctor = withConstructor ? metadata.constructorArguments.map((element, i) => toDep(element, `constructor parameter ${i}`)) : [];
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
