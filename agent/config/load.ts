// Reading the configuration file and filling in what only the host can tell (its id).
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { hostname } from 'node:os';
import { ConfigUnreadableError } from '../api/errors.js';
import { checkConfigText } from './check.js';
import type { Config, RawConfig } from './schema.js';

export async function readConfigFile(file: string): Promise<RawConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigUnreadableError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message, { cause: e });
  }
  return checkConfigText(text, file);
}

export async function loadConfig(file: string): Promise<Config> {
  const raw = await readConfigFile(file);
  return { ...raw, host: { id: raw.host.id ?? (await defaultHostId()) } };
}

/**
 * The OVS system-id is what ovn-controller calls this chassis, so reports and OVN agree on the
 * name; a host without OVS falls back to its hostname.
 */
export async function defaultHostId(): Promise<string> {
  const systemId = await new Promise<string | undefined>((resolve) => {
    execFile('ovs-vsctl', ['--timeout=2', 'get', 'Open_vSwitch', '.', 'external_ids:system-id'], { timeout: 3_000 }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim().replace(/^"(.*)"$/, '$1'));
    });
  });
  return systemId && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(systemId) ? systemId : hostname();
}
