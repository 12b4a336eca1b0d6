// `peer edit` and `integration edit`: the document as YAML in $EDITOR on a terminal, else read
// from stdin, parsed back into a mapping. Its own module, loaded by those two commands only: the
// YAML parser and child processes are not part of any other call's start-up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { HvnetError } from '../api/errors.js';

export interface EditSpec {
  /** What the document is, in messages: `peering`, `integration`. */
  what: string;
  /** The command whose YAML output the document is: `peer show`. */
  show: string;
  /** Comment lines above the document in the editor. */
  help: string;
}

/** The edited text: from $EDITOR on a terminal (undefined when left unchanged), else all of stdin. */
async function editedText(current: object, spec: EditSpec): Promise<string | undefined> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  const dir = mkdtempSync(join(tmpdir(), 'hvnet-edit-'));
  const file = join(dir, `${spec.what}.yaml`);
  try {
    const original = `${spec.help}${toYaml(current)}`;
    writeFileSync(file, original, { mode: 0o600 });
    const editor = process.env.VISUAL ?? process.env.EDITOR ?? 'vi';
    const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
    if (r.status !== 0) throw new HvnetError('HVNET_EDITOR_FAILED', `the editor (${editor}) failed; nothing was changed`);
    const edited = readFileSync(file, 'utf8');
    return edited === original ? undefined : edited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The edited document's fields; undefined when the editor left it unchanged. */
export async function editDocument(current: object, spec: EditSpec): Promise<Record<string, unknown> | undefined> {
  const text = await editedText(current, spec);
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new HvnetError('HVNET_INVALID_ARGUMENT', `the edited ${spec.what} is not valid YAML: ${(e as Error).message}`, { field: '(document)' });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new HvnetError('HVNET_INVALID_ARGUMENT', `the edited ${spec.what} must be a YAML mapping of its fields (as \`${spec.show} --format yaml\` prints it)`, { field: '(document)' });
  }
  return { ...(doc as Record<string, unknown>) };
}
