/**
 * Mark a class whose constructor dependencies loopsafe reads from their parameter types. TypeScript emits those
 * types (`design:paramtypes`, with `emitDecoratorMetadata`) only for a class that has a decorator; this one records
 * nothing else, so the lifetime and the disposer stay in `provide()`, beside the rest of the graph.
 *
 * ```ts
 * @Injectable()
 * class UserRepo {
 *   constructor(readonly db: Db, readonly clock: Clock) {} // Db and Clock are classes: their providers are injected
 * }
 * const providers = [provide(Db, {}), provide(Clock, {}), provide(UserRepo, { lifetime: 'request' })];
 * ```
 *
 * A parameter typed as an interface or a primitive has no class to find at run time: give the class an `inject`
 * list instead. inversify's `@injectable()` works the same way once `loopsafe/inversify` is imported.
 */
export function Injectable(): ClassDecorator {
  return () => {};
}
