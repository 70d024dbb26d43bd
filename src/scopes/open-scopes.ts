/**
 * The container's open request scopes, as a list linked through the scopes themselves: opening and closing a
 * scope is a few pointer writes, with no hashing and no Set growing and shrinking on every request.
 */

/** What the list needs from a scope: two link fields it owns. @internal */
export interface Linked<T> {
  prevOpen: T | undefined;
  nextOpen: T | undefined;
}

/** @internal */
export class OpenScopes<T extends Linked<T>> {
  #first: T | undefined = undefined;
  #last: T | undefined = undefined;

  /** Append a scope (oldest first, as a Set would iterate). */
  add(scope: T): void {
    scope.prevOpen = this.#last;
    scope.nextOpen = undefined;
    if (this.#last === undefined) this.#first = scope;
    else this.#last.nextOpen = scope;
    this.#last = scope;
  }

  /** Remove a scope; removing one that is not in the list does nothing. */
  delete(scope: T): void {
    const { prevOpen: prev, nextOpen: next } = scope;
    if (prev === undefined ? this.#first !== scope : prev.nextOpen !== scope) return;
    if (prev === undefined) this.#first = next;
    else prev.nextOpen = next;
    if (next === undefined) this.#last = prev;
    else next.prevOpen = prev;
    scope.prevOpen = undefined;
    scope.nextOpen = undefined;
  }

  /** The open scopes, oldest first. */
  toArray(): T[] {
    const all: T[] = [];
    for (let s = this.#first; s !== undefined; s = s.nextOpen) all.push(s);
    return all;
  }
}
