// The package version, read once from package.json so `hvnet version`, hvnetd and the
// controller report always agree with what npm installed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));

export const VERSION: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
