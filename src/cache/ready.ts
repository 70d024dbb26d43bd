import type { Client } from './client.js';

/**
 * Wait for a Redis client to become ready, at most `timeout` ms. A client that was ready before and is now
 * reconnecting fails at once: during an outage, requests must not each wait out the timeout.
 * @internal
 */
export function waitForReady(client: Client, timeout: number, unavailable: () => Error): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  if (readyOnce.get(client) === true) return Promise.reject(unavailable());
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(unavailable());
    }, timeout);
    function onReady(): void {
      clearTimeout(timer);
      resolve();
    }
    client.once('ready', onReady);
  });
}

const readyOnce = new WeakMap<Client, boolean>();

/** Remember that a client has been connected once, so a later outage fails fast. @internal */
export function trackReady(client: Client): void {
  // Errors reach callers through their commands; an unheard 'error' event would only print.
  client.on('error', () => {});
  // Every operation during a reconnect waits on 'ready'; those listeners are expected, not a leak.
  client.setMaxListeners(0);
  client.on('ready', () => readyOnce.set(client, true));
}
