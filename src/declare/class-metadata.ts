import 'reflect-metadata';
/**
 * Where the planner learns what a class needs: the readers of class metadata. The core reads the parameter types
 * TypeScript emits; an integration entry point (`loopsafe/inversify`) registers a reader for its library's
 * decorators when imported, so the core never loads that library.
 */
import { InversifyNotLoadedError } from '../errors/inversify.js';
import { plainClassInfo, type ClassInfo } from './class-info.js';
import { readDesignTypes } from './design-types.js';
import { declaredInjectList } from './inject-list.js';
import type { AnyClass } from './provider.js';

/** Reads one library's decorators; registered by that library's loopsafe entry point. */
export interface ClassMetadataReader {
  /** True when the class carries this reader's metadata: the reader, not the core, then describes it. */
  claims(cls: AnyClass): boolean;
  /** The constructor's dependencies (unless `withConstructor` is false: an inject list gives them), members, hooks, scope. */
  read(cls: AnyClass, name: string, withConstructor: boolean): ClassInfo;
}

const readers: ClassMetadataReader[] = [];

/** Let the planner read a library's decorators. Registering the same reader twice (two imports) is harmless. */
export function registerClassMetadataReader(reader: ClassMetadataReader): void {
  if (!readers.includes(reader)) readers.push(reader);
}

/**
 * Read a class's dependencies (`provide()` gave no inject list): the list its own decorator declared
 * (`@Injectable({ inject })`, the only way with standard decorators), else a reader's, else the parameter types.
 */
export function readClassInfo(cls: AnyClass, name: string): ClassInfo {
  const declared = declaredInjectList(cls);
  if (declared !== undefined) return { ...readMemberInfo(cls, name), ctor: declared };
  return readerOf(cls, name)?.read(cls, name, true) ?? readDesignTypes(cls, name);
}

/** Read what a class declares besides its constructor, whose arguments an `inject` list gives; `ctor` is empty. */
export function readMemberInfo(cls: AnyClass, name: string): ClassInfo {
  return readerOf(cls, name)?.read(cls, name, false) ?? noMembers;
}

const noMembers = plainClassInfo([]);

function readerOf(cls: AnyClass, name: string): ClassMetadataReader | undefined {
  for (const reader of readers) if (reader.claims(cls)) return reader;
  // Decorators nobody reads would be ignored without a word (their tokens, scope, hooks): refuse the class.
  if (hasInversifyMetadata(cls)) throw new InversifyNotLoadedError([name]);
  return undefined;
}

/** True when inversify's decorators stored metadata on the class itself (they all use keys under `@inversifyjs/`). */
export function hasInversifyMetadata(cls: AnyClass): boolean {
  return Reflect.getOwnMetadataKeys(cls).some((key) => typeof key === 'string' && key.startsWith('@inversifyjs/'));
}
