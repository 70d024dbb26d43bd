/**
 * Where the entries of one cache live in Redis. On one server, `<prefix><key>` and `<prefix>__lock:<key>`. In a
 * Cluster the key is wrapped in a hash tag (`<prefix>{<tag>}`, `<prefix>__lock:{<tag>}`), so a key's value and its
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
    ? { value: (key) => `${prefix}{${tag(key)}}`, lock: (key) => `${lock}{${tag(key)}}`, channel }
    : { value: (key) => prefix + key, lock: (key) => lock + key, channel };
}

/**
 * The key as a hash tag: Redis hashes the text between the first `{` and the next `}`, and the whole name when
 * that is empty. So `}` (and `%`, to keep the escape one-to-one) are escaped, and the empty key becomes `%`, which
 * no escaped key can be.
 */
function tag(key: string): string {
  return key === '' ? '%' : key.replaceAll('%', '%25').replaceAll('}', '%7D');
}
