/**
 * inversify support: once this module is imported, classes decorated with inversify's `@injectable()`,
 * `@inject()`, `@optional()`, `@unmanaged()`, property `@inject()`, `@postConstruct()` and `@preDestroy()` are
 * read when registered with loopsafe. Import it once, at the app's entry point; it needs `inversify` installed.
 * Without it, the core builds classes from their constructor parameter types or an `inject` list, and refuses a
 * class with inversify decorators (`LOOPSAFE_ERR_INVERSIFY_NOT_LOADED`).
 *
 * ```ts
 * import 'loopsafe/inversify';
 * import { injectable, inject } from 'inversify';
 * ```
 * An existing inversify `Container` needs no import: pass it as `createContainer({ inversify: container })`.
 * @packageDocumentation
 * @module loopsafe/inversify
 */
import './register.js';

export { UnsupportedDecoratorError } from '../errors/inversify.js';
