import { LoopsafeError } from './base.js';

/** The `loopsafe` command was called with an unknown command, a missing module argument or a bad flag. */
export class CliUsageError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLI_USAGE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CliUsageError.code;
  override name = 'CliUsageError' as const;

  constructor(detail: string) {
    super(`${detail}. Usage: loopsafe graph <module> [--format json|mermaid|dot|html] [--out file], or loopsafe doctor <module> [--requests file] [--json] [--html file].`);
  }
}

/** The module given to the `loopsafe` command could not be imported: not found, a syntax error, or it threw while loading. */
export class CliModuleLoadError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLI_MODULE_LOAD';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CliModuleLoadError.code;
  override name = 'CliModuleLoadError' as const;
  /** The module as given on the command line. */
  readonly module: string;

  constructor(module: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot load ${module}: ${reason}. Pass the path of a built JavaScript module (for example dist/app.js), relative to the current directory, and check that it imports without side effects that fail.`, { cause });
    this.module = module;
  }
}

/** The module loaded, but none of its exports is something the `loopsafe` command can use. */
export class CliModuleUnusableError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_CLI_MODULE_UNUSABLE';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = CliModuleUnusableError.code;
  override name = 'CliModuleUnusableError' as const;
  /** The module as given on the command line. */
  readonly module: string;

  constructor(module: string, found: string) {
    super(`${module} exports nothing loopsafe can use (${found}). Export, as default or as \`app\` or \`container\`: a container from createContainer(), an app from createApp(), the options object you pass to createApp(), a defineClusterApp() definition, or a function (maybe async) returning one of these.`);
    this.module = module;
  }
}
