// inversify's decorators store their metadata through the reflect-metadata polyfill.
import 'reflect-metadata';
/**
 * The reader of inversify's class metadata: `@inject`, `@optional`, `@unmanaged`, property injection,
 * `@postConstruct`/`@preDestroy` and `@injectable(scope)`, translated into loopsafe's declarations. inversify's own
 * errors are translated into loopsafe's here, so users never have to import or catch them.
 */
import { ClassElementMetadataKind, getClassMetadata, type ClassElementMetadata } from '@inversifyjs/core';
import { LazyServiceIdentifier } from 'inversify';
import { InvalidProviderError } from '../errors/container.js';
import type { ClassInfo } from '../declare/class-info.js';
import { hasInversifyMetadata, type ClassMetadataReader } from '../declare/class-metadata.js';
import type { Lifetime } from '../declare/lifetime.js';
import { optional, type AnyClass, type Dep } from '../declare/provider.js';
import type { Key } from '../tokens.js';
import { refuseUnsupported } from './unsupported.js';

const scopes: Record<string, Lifetime> = { Singleton: 'singleton', Request: 'request', Transient: 'transient' };

// An `@unmanaged()` parameter is passed `undefined`: an optional key that is never registered.
const unmanaged = optional(Symbol('unmanaged'));

/** Reads the classes inversify's decorators describe; the core reads the others from their parameter types. */
export const inversifyReader: ClassMetadataReader = {
  claims: hasInversifyMetadata,
  read: (cls, name, withConstructor) => (withConstructor ? readClassInfo(cls, name) : readMemberInfo(cls, name)),
};

/** Read a class's dependencies from inversify metadata. */
function readClassInfo(cls: AnyClass, name: string): ClassInfo {
  let metadata;
  try {
    metadata = getClassMetadata(cls as never);
  } catch (error) {
    throw new InvalidProviderError(
      [name],
      `${name} has constructor parameters loopsafe cannot see`,
      `Pass { inject: [...] } when registering it, or decorate each parameter with inversify's @inject(token) (emitDecoratorMetadata fills in class-typed ones).`,
      { cause: error },
    );
  }
  return infoOf(metadata, name, true);
}

/**
 * Read what inversify's decorators say about a class besides its constructor (injected properties, lifecycle
 * hooks, scope), for a class whose constructor arguments an `inject` list gives. `ctor` is empty.
 */
function readMemberInfo(cls: AnyClass, name: string): ClassInfo {
  let metadata: ClassMetadata | undefined;
  try {
    metadata = getClassMetadata(cls as never);
  } catch (error) {
    // getClassMetadata() describes no part of a class whose constructor it cannot describe (a `string` parameter,
    // which the inject list gives). The rest is in the metadata inversify's decorators stored on the class; a
    // shape loopsafe does not recognise is refused rather than read wrong.
    metadata = storedMetadata(cls);
    if (metadata === undefined) {
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
