// What a client needs to reach an NB that listens on pssl with the test certificates (certs.ts).
import { sslClientArgs, type TestCerts } from './certs.js';

export interface SslClientFiles {
  /** Client private key, certificate and the CA (ovsdb-client/ovn-nbctl `-p -c -C`). */
  key: string;
  cert: string;
  ca: string;
  /** The same as `--private-key=… --certificate=… --ca-cert=…`. */
  args: string[];
  /** The whole test PKI (server cert too). */
  certs: TestCerts;
}

export function sslClientFiles(certs: TestCerts): SslClientFiles {
  return { key: certs.client.key, cert: certs.client.cert, ca: certs.ca, args: sslClientArgs(certs), certs };
}
