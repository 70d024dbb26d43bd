import { DecoratorMisplacedError } from '../errors/decorators.js';
import { validateOptions } from '../options/validate.js';
import { list, anything } from '../options/rules.js';
import type { Schema } from '../options/rule.js';
import { isStandardContext } from './decorator-call.js';
import type { InjectingClassDecorator } from './decorator-types.js';
import { declareInjectList } from './inject-list.js';
import type { Dep } from './provider.js';

/** Options of {@link Injectable}. */
export interface InjectableOptions<D extends readonly Dep[] = readonly Dep[]> {
  /**
   * The constructor's dependencies, in order: tokens, classes, `optional(key)`, `lazy(key)`. Checked at compile
   * time against the constructor's parameters. Standard decorators (TypeScript 5's default, esbuild, tsx) need it
   * for a class whose constructor takes anything, since they emit no parameter types; an `inject` list given to
   * `provide()` for the class takes precedence over this one.
   * @default the parameter types TypeScript emits with emitDecoratorMetadata
   */
  inject?: D;
}

const injectableSchema = {
  inject: list(anything(), 'an array of keys (tokens, classes, optional(key), lazy(key))'),
} satisfies Schema<InjectableOptions>;

/**
 * Mark a class as a provider and, optionally, declare its constructor's dependencies. It works with both decorator
 * proposals: TC39 standard decorators (TypeScript 5's default, esbuild, tsx), and legacy `experimentalDecorators`.
 *
 * With standard decorators, list the dependencies; the list is type-checked against the constructor:
 *
 * ```ts
 * @Injectable({ inject: [Db, Clock] })
 * class UserRepo {
 *   constructor(readonly db: Db, readonly clock: Clock) {} // inject: [Clock, Db] fails to compile
 * }
 * const providers = [provide(Db, {}), provide(Clock, {}), provide(UserRepo, { lifetime: 'request' })];
 * ```
 *
 * With `experimentalDecorators` and `emitDecoratorMetadata`, `@Injectable()` alone is enough for class-typed
 * parameters: TypeScript emits their types (`design:paramtypes`) for a decorated class. A parameter typed as an
 * interface or a primitive has no class to find at run time: list it. The lifetime and the disposer stay in
 * `provide()`, beside the rest of the graph. inversify's `@injectable()` works the same way once
 * `loopsafe/inversify` is imported.
 */
export function Injectable<const D extends readonly Dep[] = never>(options: InjectableOptions<D> = {}): InjectingClassDecorator<D> {
  validateOptions(injectableSchema, options, '@Injectable()');
  const inject = options.inject;
  return (value: object, context?: unknown) => {
    if (isStandardContext(context) && context.kind !== 'class') {
      throw new DecoratorMisplacedError('@Injectable()', `the ${context.kind} ${String(context.name)}`, 'Decorate the class itself.');
    }
    if (inject !== undefined) declareInjectList(value, inject);
  };
}
