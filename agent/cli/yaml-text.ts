// YAML output (--format yaml), from a yaml package loaded only by the calls that print YAML: it is
// over a quarter of the CLI's bundle, and evaluating it was part of every call's start-up. The
// CLI loads it as soon as it knows the format (main.ts); render and the error printer stay
// synchronous.
import type * as YamlModule from 'yaml';

type Yaml = typeof YamlModule;

let yaml: Yaml | undefined;

export async function loadYaml(): Promise<Yaml> {
  yaml ??= await import('yaml');
  return yaml;
}

export function yamlText(value: unknown): string {
  if (yaml === undefined) throw new Error('YAML output before loadYaml(): the CLI loads it once it knows the format');
  return yaml.stringify(value);
}
