// TLS for the shutdown benches: the certificate files a runner made, passed in the environment.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** fastify's `https` option from TLS_KEY and TLS_CERT (file paths), or nothing. Loosely typed: the setups are HTTP-typed. */
export function tlsFromEnv(): object {
  const { TLS_KEY: key, TLS_CERT: cert } = process.env;
  return key === undefined || cert === undefined ? {} : { https: { key: readFileSync(key), cert: readFileSync(cert) } };
}

/** A throwaway self-signed certificate for 127.0.0.1, as the environment variables tlsFromEnv() reads. */
export function selfSignedEnv(): { TLS_KEY: string; TLS_CERT: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loopsafe-bench-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { TLS_KEY: key, TLS_CERT: cert };
}
