// Whether the key material an integration names can be read by this process: checked when an
// integration is created or changed (and nothing is planned when it cannot), because a path that
// does not work would otherwise only show up as a failed TLS handshake much later. I/O, so apart
// from the planners in integration.ts.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { RemoteError } from './errors.js';
import { PATH_KEYS } from './integration.js';

export function checkIntegrationFiles(integration: string, config: Readonly<Record<string, string>>): void {
  for (const key of PATH_KEYS) {
    const path = config[key];
    if (path === undefined) continue;
    let why: string | undefined;
    try {
      const fd = openSync(path, 'r');
      try {
        if (!fstatSync(fd).isFile()) why = 'is not a regular file';
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by hvnetd (permission denied)' : `cannot be opened (${code ?? (e as Error).message})`;
    }
    if (why !== undefined) {
      throw new RemoteError('HVNET_OVN_INTEGRATION_FILE', `${key}: ${path} ${why}`, {
        integration,
        field: `config.${key}`,
        value: path,
        allowed: 'the path of a PEM file hvnetd can read',
      });
    }
  }
}
