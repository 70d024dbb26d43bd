import { ClassElementMetadataKind, type ClassElementMetadata } from '@inversifyjs/core';
import { UnsupportedDecoratorError } from '../errors/inversify.js';

const oneKeyFix = 'loopsafe has one provider per key: give each variant a token of its own '
  + "(token<Db>('PrimaryDb')) and @inject() it, or keep the binding in an attached inversify Container and resolve it there.";

/**
 * Refuse the inversify decorators whose meaning loopsafe cannot honour, at boot: ignoring `@named('primary')`
 * would inject whatever answers the bare key, with no error.
 */
export function refuseUnsupported(element: ClassElementMetadata, name: string, where: string): void {
  if (element.kind === ClassElementMetadataKind.unmanaged) return;
  if (element.kind === ClassElementMetadataKind.multipleInjection) {
    throw new UnsupportedDecoratorError([name], where, '@multiInject()', 'loopsafe resolves one provider per key; inject a token whose factory returns an array instead.');
  }
  if (element.name !== undefined) {
    throw new UnsupportedDecoratorError([name], where, `@named(${String(element.name)})`, oneKeyFix);
  }
  const [tag] = element.tags.keys();
  if (tag !== undefined) {
    throw new UnsupportedDecoratorError([name], where, `@tagged(${String(tag)}, ...)`, oneKeyFix);
  }
}
