// What tsc says about a standard decorator's inject list (TC39 decorators, this folder's tsconfig), message
// included: each `@ts-expect-error <text>` must be one error whose message contains <text> (tstyche checks it).
import type { FastifyRequest } from 'fastify';
import { test } from 'tstyche';
import { Injectable, optional, token } from 'loopsafe';
import { Controller, Get } from 'loopsafe/fastify';

class Db {
  readonly notes = new Map<number, string>();
}
class Clock {
  now(): number {
    return 0;
  }
}
const Name = token<string, 'Name'>('Name');

test("@Injectable({ inject }) is checked against the constructor: a mismatch names what the constructor takes", () => {
  @Injectable({ inject: [Db, Clock] })
  class Right {
    constructor(readonly db: Db, readonly clock: Clock) {}
  }
  // @ts-expect-error InjectMismatch<[db: Db, clock: Clock]>
  @Injectable({ inject: [Clock, Db] })
  class Swapped {
    constructor(readonly db: Db, readonly clock: Clock) {}
  }
  // @ts-expect-error InjectMismatch<[name: string]>
  @Injectable({ inject: [optional(Name)] })
  class NotOptional {
    constructor(readonly name: string) {}
  }
  // @ts-expect-error InjectListRequired<[db: Db]>
  @Injectable()
  class Unlisted {
    constructor(readonly db: Db) {}
  }
  void [Right, Swapped, NotOptional, Unlisted];
});

test("@Controller's and a route decorator's inject lists are checked against the constructor and the handler", () => {
  @Injectable({ inject: [Db] })
  class Repo {
    constructor(readonly db: Db) {}
  }
  // @ts-expect-error InjectMismatch<[repo: Repo]>
  @Controller('/notes', { inject: [Clock] })
  class Notes {
    constructor(readonly repo: Repo) {}

    // @ts-expect-error HandlerInjectMismatch<[Db], [Clock]>
    @Get('/:id', { inject: [Db] })
    get([clock]: [Clock], request: FastifyRequest<{ Params: { id: string } }>) {
      return { at: clock.now(), id: request.params.id };
    }

    @Get('/', { inject: [Clock, optional(Name)] })
    list([clock, name]: [Clock, string | undefined]) {
      return { at: clock.now(), name: name ?? null };
    }
  }
  void Notes;
});
