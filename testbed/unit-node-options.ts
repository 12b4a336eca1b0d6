// The NODE_OPTIONS systemd/hvnetd.service gives hvnetd (its V8 heap settings). Every hvnetd a
// test, the lab's fleet or a benchmark starts runs with them, so what is tested and measured is the
// daemon as the unit runs it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

export const UNIT_NODE_OPTIONS = /^Environment=NODE_OPTIONS=(.*)$/m.exec(readFileSync(join(REPO, 'systemd/hvnetd.service'), 'utf8'))?.[1] ?? '';
