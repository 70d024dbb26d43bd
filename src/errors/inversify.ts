import { ResolutionPathError } from './base.js';

/**
 * A class uses an inversify decorator whose meaning loopsafe cannot honour (`@named`, `@tagged`, `@multiInject`):
 * loopsafe has one provider per key, so ignoring the decorator would silently inject a different binding.
 */
export class UnsupportedDecoratorError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_INVERSIFY_UNSUPPORTED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = UnsupportedDecoratorError.code;
  override name = 'UnsupportedDecoratorError' as const;
  /** The decorator, for example `@named('primary')`. */
  readonly decorator: string;

  /** `where` names the class element: `constructor parameter 1`, `property db`. */
  constructor(path: readonly string[], where: string, decorator: string, fix: string) {
    super(path, `${where} of ${path.at(-1) ?? ''} uses ${decorator}, which loopsafe does not support`, fix);
    this.decorator = decorator;
  }
}

/**
 * A class registered with loopsafe carries inversify's decorators, but `loopsafe/inversify` (which reads them) was
 * not imported: its `@inject()` tokens, `@optional()`, property injection, lifecycle hooks and scope would all be
 * ignored, so the class is refused at boot instead of being built wrong.
 */
export class InversifyNotLoadedError extends ResolutionPathError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_INVERSIFY_NOT_LOADED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = InversifyNotLoadedError.code;
  override name = 'InversifyNotLoadedError' as const;

  /** `path` ends with the decorated class. */
  constructor(path: readonly string[]) {
    super(
      path,
      `${path.at(-1) ?? ''} has inversify decorators, and loopsafe reads them only once loopsafe/inversify is imported`,
      "Add `import 'loopsafe/inversify';` to your app's entry point, before the container boots (and install inversify), or drop the decorators and pass { inject: [...] }.",
    );
  }
}
