import { readFile } from 'node:fs/promises';
import { CliUsageError } from '../errors/cli.js';
import type { AppGraph } from '../graph/model.js';

/** One request the doctor sends through `inject()`. @internal */
export interface DoctorRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly payload?: unknown;
}

/** Every GET route without a parameter or wildcard: the requests that need no made-up input. @internal */
export function defaultRequests(graph: AppGraph): DoctorRequest[] {
  return graph.routes
    .filter((r) => r.method.split(',').includes('GET') && !/[:*]/.test(r.url))
    .map((r) => ({ method: 'GET', url: r.url }));
}

/**
 * Read a requests file: a JSON array whose items are `"METHOD /url"` strings or `{ method, url, headers, payload }`
 * objects. @internal
 */
export async function readRequests(file: string): Promise<DoctorRequest[]> {
  let items: unknown;
  try {
    items = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliUsageError(`Cannot read the requests file ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(items)) throw new CliUsageError(`The requests file ${file} is not a JSON array`);
  return items.map((item: unknown, i) => {
    if (typeof item === 'string') {
      const [method, url, ...rest] = item.trim().split(/\s+/);
      if (method !== undefined && url?.startsWith('/') === true && rest.length === 0) return { method: method.toUpperCase(), url };
    } else if (typeof item === 'object' && item !== null) {
      const { method, url, headers, payload } = item as Record<string, unknown>;
      if (typeof method === 'string' && typeof url === 'string' && url.startsWith('/')) {
        return { method: method.toUpperCase(), url, ...(headers === undefined ? {} : { headers: headers as Record<string, string> }), ...(payload === undefined ? {} : { payload }) };
      }
    }
    throw new CliUsageError(`Item ${i} of ${file} is ${JSON.stringify(item)}; write "GET /path" or { "method": "POST", "url": "/path", "payload": {} }`);
  });
}
