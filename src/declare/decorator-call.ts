/**
 * Which decorator proposal called a decorator: TypeScript's legacy one (`experimentalDecorators`), which passes
 * `(target)` to a class decorator and `(prototype, name, descriptor)` to a method decorator, or the TC39 standard
 * one (TypeScript 5's default, esbuild, tsx), which passes `(value, context)` with `context.kind` naming what is
 * decorated. One decorator function serves both by asking this of its second argument.
 */
export function isStandardContext(arg: unknown): arg is DecoratorContext {
  return typeof arg === 'object' && arg !== null && typeof (arg as { kind?: unknown }).kind === 'string'
    && typeof (arg as { addInitializer?: unknown }).addInitializer === 'function';
}
