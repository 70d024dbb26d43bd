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
