// What a container was told to declare: the declaration in effect per key, the site of each call, the problems noted.
import { LoopsafeError } from '../errors/base.js';
import { DuplicateProviderError, type BootProblem } from '../errors/container.js';
import { siteOf, type CallStack } from '../declare/sites.js';
import type { AnyProviderDef } from '../declare/provider.js';
import type { GraphProblem } from '../resolution/graph.js';
import { keyName, type Key } from '../tokens.js';
import { validateProviderDef } from './options.js';

/** The declaration in effect for a key. @internal */
export interface Declared {
  readonly def: AnyProviderDef | undefined;
  /** The stack of the call that registered it, formatted only if a problem is reported about it. */
  readonly site: CallStack | undefined;
  /** Its place among every register() and override() call of the container. */
  readonly order: number;
  /** Its options were refused: the planner stands a placeholder in, so its dependents report nothing more. */
  readonly rejected: boolean;
}

interface Noted {
  readonly problem: LoopsafeError;
  readonly order: number;
  readonly site: CallStack | undefined;
}

/**
 * What register() and override() were given. A bad declaration (a misspelt or ill-typed option, a second
 * registration of a key) is noted here instead of thrown, so the boot reports it with every other problem of the
 * graph, each with the site of its registration. @internal
 */
export class Declarations {
  readonly #byKey = new Map<Key, Declared>();
  #noted: Noted[] | undefined;
  #calls = 0;

  /** Add a provider; a second one for the same key is a problem, and the first stays in effect. */
  add(key: Key, def: AnyProviderDef | undefined, site: CallStack | undefined): void {
    const order = this.#calls++;
    const first = this.#byKey.get(key);
    if (first !== undefined) {
      this.#note(new DuplicateProviderError(keyName(key), siteOf(first.site)), order, site);
      return;
    }
    this.#byKey.set(key, { def, site, order, rejected: !this.#accepts(key, def, order, site) });
  }

  /** Replace a provider (or add one). */
  replace(key: Key, def: AnyProviderDef | undefined, site: CallStack | undefined): void {
    const order = this.#calls++;
    this.#byKey.set(key, { def, site, order, rejected: !this.#accepts(key, def, order, site) });
  }

  has(key: Key): boolean {
    return this.#byKey.has(key);
  }

  /** Every key with the declaration in effect, in the order keys were first registered. */
  entries(): IterableIterator<[Key, Declared]> {
    return this.#byKey.entries();
  }

  /**
   * Every problem noted at registration and every one `found` with the graph, in declaration order (the order of
   * the calls that registered what each is about; what no call registered comes last), each with its site.
   */
  report(found: readonly GraphProblem[]): BootProblem[] {
    if (this.#noted === undefined && found.length === 0) return [];
    const all: Noted[] = [...(this.#noted ?? [])];
    for (const { problem, at } of found) {
      const declared = this.#byKey.get(at);
      all.push({ problem, order: declared?.order ?? Infinity, site: declared?.site });
    }
    // Array.prototype.sort is stable: problems about one declaration keep the order they were found in.
    all.sort((a, b) => (a.order === b.order ? 0 : a.order < b.order ? -1 : 1));
    return all.map(({ problem, site }) => {
      const where = siteOf(site);
      return where === undefined ? { problem } : { problem, site: where };
    });
  }

  #accepts(key: Key, def: AnyProviderDef | undefined, order: number, site: CallStack | undefined): boolean {
    try {
      validateProviderDef(key, def);
      return true;
    } catch (error) {
      if (!LoopsafeError.is(error)) throw error;
      this.#note(error, order, site);
      return false;
    }
  }

  #note(problem: LoopsafeError, order: number, site: CallStack | undefined): void {
    (this.#noted ??= []).push({ problem, order, site });
  }
}
