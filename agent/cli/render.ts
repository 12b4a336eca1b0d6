// The one renderer of every hvnet command's output (as incus does it): a command hands over its
// data and the tables that show it, and --format picks json, yaml, csv or a table.
import { yamlText } from './yaml-text.js';

export const FORMATS = ['table', 'json', 'yaml', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export type Cell = string | number | boolean | null | undefined;

export interface Table {
  title?: string;
  columns: string[];
  rows: Cell[][];
}

export interface Output {
  /** What json and yaml print, untouched. */
  data: unknown;
  /** What table and csv print. */
  tables: Table[];
}

export function render(out: Output, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(out.data, null, 2)}\n`;
    case 'yaml':
      return yamlText(out.data);
    case 'csv':
      return out.tables.map(csv).join('\n');
    case 'table':
      return out.tables.map(boxed).join('\n');
  }
}

function text(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'boolean') return c ? 'yes' : 'no';
  return String(c);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csv(t: Table): string {
  return [t.columns, ...t.rows.map((r) => r.map(text))].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

function boxed(t: Table): string {
  const rows = t.rows.map((r) => t.columns.map((_, i) => text(r[i]).replaceAll('\n', ' ')));
  const widths = t.columns.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const fmt = (cells: string[]): string => `|${cells.map((c, i) => ` ${c.padEnd(widths[i] ?? 0)} `).join('|')}|`;
  const out = [line, fmt(t.columns), line, ...rows.map(fmt), line];
  if (t.title) out.unshift(t.title);
  return `${out.join('\n')}\n`;
}
