import { LoopsafeError } from './base.js';

/**
 * A loopsafe decorator was applied to something it cannot describe: `@Injectable()` or `@Controller()` on a
 * method, a route decorator on a field, a static or a `#private` method. TypeScript refuses most of these at compile
 * time; this is what plain JavaScript, or a cast, meets when the class is defined.
 */
export class DecoratorMisplacedError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_DECORATOR_MISPLACED';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = DecoratorMisplacedError.code;
  override name = 'DecoratorMisplacedError' as const;
  /** The decorator, for example `@Get('/:id')`. */
  readonly decorator: string;

  /** `where` names what was decorated: `the static method list`, `the field id`. */
  constructor(decorator: string, where: string, fix: string) {
    super(`${decorator} was applied to ${where}. ${fix}`);
    this.decorator = decorator;
  }
}
