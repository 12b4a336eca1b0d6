// Who may talk to the controller. A tokens file gives each host its own token ("HOST TOKEN" per
// line), so a host can report only as itself; a shared token (one for the whole fleet) remains
// for a lab. The file is read again when it changes (checked on each request by its inode, size
// and modification time: a rotation by rename or in place is seen at the next request); a file
// that no longer parses keeps the previous tokens and says why in the log.
import { readFileSync, statSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger.js';

const HOST_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** HOST -> token; throws naming the line that is wrong. */
export function parseTokens(text: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    const [host, token] = parts;
    if (parts.length !== 2 || host === undefined || token === undefined) throw new Error(`${file}:${i + 1}: expected "HOST TOKEN"`);
    if (!HOST_RE.test(host)) throw new Error(`${file}:${i + 1}: host ${JSON.stringify(host)} is not a host id (letters, digits, . _ -, at most 64)`);
    if (token.length < 16) throw new Error(`${file}:${i + 1}: the token of ${host} is shorter than 16 characters`);
    if (out.has(host)) throw new Error(`${file}:${i + 1}: host ${host} has a token already`);
    out.set(host, token);
  });
  return out;
}

export function tokenEquals(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class TokensFile {
  private tokens = new Map<string, string>();
  private seen = '';

  constructor(
    readonly path: string,
    private readonly log: Logger,
  ) {}

  /** At start: a file that cannot be read or parsed is an error. */
  load(): void {
    this.refresh(true);
  }

  /** The host whose token this is, if any. */
  hostOf(given: string): string | undefined {
    this.refresh(false);
    for (const [host, token] of this.tokens) if (tokenEquals(given, token)) return host;
    return undefined;
  }

  tokenOf(host: string): string | undefined {
    this.refresh(false);
    return this.tokens.get(host);
  }

  private refresh(strict: boolean): void {
    let id: string;
    try {
      const st = statSync(this.path);
      id = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch (e) {
      if (strict) throw e;
      return; // mid-rotation, or removed: the tokens last read stay
    }
    if (id === this.seen) return;
    try {
      this.tokens = parseTokens(readFileSync(this.path, 'utf8'), this.path);
      if (!strict) this.log.info({ file: this.path, hosts: this.tokens.size }, 'tokens file read again');
      this.seen = id;
    } catch (e) {
      if (strict) throw e;
      this.seen = id;
      this.log.error({ file: this.path, err: (e as Error).message }, 'tokens file not usable: the previous tokens stay');
    }
  }
}
