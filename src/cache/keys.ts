/**
 * Where the entries of one cache live in Redis. On one server, `<prefix><key>` and `<prefix>__lock:<key>`. In a
 * Cluster the key is wrapped in a hash tag (`<prefix>{<key>}`, `<prefix>__lock:{<key>}`), so a key's value and its
 * load lock hash to the same slot: the script that stores the value and releases the lock runs on one node, and the
 * lock protects exactly the node that holds the value.
 * @internal
 */
export interface KeyLayout {
  value(key: string): string;
  lock(key: string): string;
  /** The pub/sub channel on which stored loads are announced. */
  readonly channel: string;
}

/** The layout for one server or for a Cluster. The prefix holds no braces in a Cluster (checked with the options). @internal */
export function keyLayout(prefix: string, cluster: boolean): KeyLayout {
  const lock = `${prefix}__lock:`;
  const channel = `${prefix}__loaded`;
  return cluster
    ? { value: (key) => `${prefix}{${key}}`, lock: (key) => `${lock}{${key}}`, channel }
    : { value: (key) => prefix + key, lock: (key) => lock + key, channel };
}
