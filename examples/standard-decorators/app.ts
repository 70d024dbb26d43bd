// A notes API written with TC39 standard decorators: every dependency is an inject list on the decorator, checked
// by the compiler against the constructor or the handler. It runs compiled by tsc, or straight from source by tsx.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Injectable, provide, token } from 'loopsafe';
import { Controller, FastifyRequestToken, Get, Post, createApp, route } from 'loopsafe/fastify';

/** A note as stored. */
export interface Note {
  id: number;
  text: string;
  at: number;
}

/** The store: one for the app, opened by an async factory and closed when the app closes. */
export class Db {
  readonly notes = new Map<number, Note>();
  closed = false;
  static async open(): Promise<Db> {
    await Promise.resolve(); // a real driver would connect here
    return new Db();
  }
}

/** The time, injectable so tests can pin it. */
export class Clock {
  now(): number {
    return Date.now();
  }
}

/** One per request: who asked, for the log lines of one request. */
export interface RequestInfo {
  readonly id: string;
  readonly method: string;
}
export const RequestInfo = token<RequestInfo>('RequestInfo');

// The list is checked against the constructor: `inject: [Clock, Db]` fails to compile, naming the parameters.
@Injectable({ inject: [Db, Clock] })
export class NoteRepo {
  #next = 1;
  constructor(private readonly db: Db, private readonly clock: Clock) {}

  add(text: string): Note {
    const note = { id: this.#next++, text, at: this.clock.now() };
    this.db.notes.set(note.id, note);
    return note;
  }

  find(id: number): Note | undefined {
    return this.db.notes.get(id);
  }

  all(): Note[] {
    return [...this.db.notes.values()];
  }
}

const idParams = { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } as const;
const newNote = { type: 'object', properties: { text: { type: 'string', minLength: 1 } }, required: ['text'] } as const;

// A singleton controller: its constructor takes singletons only. Request-scoped providers go to the handlers.
@Controller('/notes', { inject: [NoteRepo] })
export class NotesController {
  constructor(private readonly repo: NoteRepo) {}

  // A handler receives (deps, request, reply): `deps` is its inject list resolved in the request's scope.
  @Get('/:id', { inject: [RequestInfo], schema: { params: idParams } })
  get([info]: [RequestInfo], request: FastifyRequest<{ Params: { id: number } }>, reply: FastifyReply) {
    const note = this.repo.find(request.params.id);
    if (note === undefined) reply.code(404);
    return { note: note ?? null, servedFor: info.method };
  }

  @Get('')
  list() {
    return this.repo.all();
  }

  @Post('', { inject: [RequestInfo], schema: { body: newNote } })
  add([info]: [RequestInfo], request: FastifyRequest<{ Body: { text: string } }>, reply: FastifyReply) {
    reply.code(201);
    return { ...this.repo.add(request.body.text), by: info.id === request.id ? 'this request' : 'another' };
  }
}

/** The app's providers. */
export const providers = [
  provide(Db, { useFactory: () => Db.open(), dispose: (db) => void (db.closed = true) }),
  provide(Clock, {}),
  provide(NoteRepo, {}),
  provide(RequestInfo, { lifetime: 'request', inject: [FastifyRequestToken], useFactory: (request) => ({ id: request.id, method: request.method }) }),
];

/** A function route beside the controller: the same (deps, request, reply) shape. */
const health = route({ method: 'GET', url: '/health', inject: [NoteRepo], handler: ([repo]) => ({ ok: true, notes: repo.all().length }) });

/** Build the app; nothing is created at import time. */
export function buildNotesApi(): Promise<FastifyInstance> {
  return createApp({ providers, controllers: [NotesController], routes: [health] });
}
