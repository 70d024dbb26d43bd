// An options object loopsafe cannot use.
import { LoopsafeError } from './base.js';
import { describe } from './describe.js';

/** An options object passed to loopsafe has a value it cannot use. */
export class InvalidOptionError extends LoopsafeError {
  /** The same code, for comparisons without an instance. */
  static readonly code = 'LOOPSAFE_ERR_OPTION_INVALID';
  /** The stable code of this failure, listed in docs/errors.md. */
  override readonly code = InvalidOptionError.code;
  override name = 'InvalidOptionError' as const;
  /** The entry point whose options were refused, for example `createApp` or `provider Db`. */
  readonly where: string;
  /** The refused option as a dotted path from the options object, for example `shutdown.timeout` or `signals[1]`. */
  readonly option: string;
  /** For an unknown option, the closest valid name (a likely misspelling), or `undefined` when none is close. */
  readonly suggestion: string | undefined;

  /**
   * `expected` completes "must be ...". Pass `unknown` (the valid names at that level) when `option` is not an
   * option at all; `suggestion` is then the closest valid name.
   */
  constructor(
    where: string, option: string, expected: string, got: unknown,
    unknown?: {
      readonly known: readonly string[];
      readonly suggestion: string | undefined;
      /** Options at that level that hold another library's options (`fastify`): the unknown one may belong there. */
      readonly passed?: readonly { readonly option: string; readonly library: string }[];
    },
  ) {
    super(unknown === undefined
      ? `${where}: option "${option}" must be ${expected}, got ${describe(got)}.`
      : `${where}: "${option}" is not an option${unknown.suggestion === undefined ? '.' : `; did you mean \`${unknown.suggestion}\`?`} `
        + `Valid options here: ${unknown.known.map((k) => `\`${k}\``).join(', ')}.${passedHint(option, unknown.passed ?? [])}`);
    this.where = where;
    this.option = option;
    this.suggestion = unknown?.suggestion;
  }
}

/** `logger` given beside `fastify`: ` If \`logger\` is one of fastify's options, pass it as \`fastify: { logger: ... }\`.` */
function passedHint(option: string, passed: readonly { readonly option: string; readonly library: string }[]): string {
  const name = option.slice(option.lastIndexOf('.') + 1);
  return passed.map((p) => ` If \`${name}\` is one of ${p.library}'s options, pass it as \`${p.option}: { ${name}: ... }\`.`).join('');
}
