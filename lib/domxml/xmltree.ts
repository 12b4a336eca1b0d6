// xml2js hands back `any`; these are the only places that look inside it, and they narrow to
// unknown-safe shapes. xml2js (explicitArray) gives every child element as an array, attributes
// under `$`, and an element with neither attributes nor children as a bare string.
import xml2js from 'xml2js';
import { MalformedXmlError } from './errors.js';

type XmlObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is XmlObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses synchronously: with `async: false` (xml2js's default) the callback runs before
 * parseString returns, which keeps the callers plain functions.
 */
export function parseXml(xml: string, where: string): XmlObject {
  // A holder object, because TypeScript does not see assignments made inside the callback.
  const outcome: { called: boolean; err: Error | null; result: unknown } = { called: false, err: null, result: undefined };
  xml2js.parseString(xml, { explicitArray: true, async: false, strict: true }, (err: Error | null, res: unknown) => {
    // xml2js may call back a second time after an error; the first report wins.
    if (outcome.called) return;
    outcome.called = true;
    outcome.err = err;
    outcome.result = res;
  });
  if (!outcome.called) throw new MalformedXmlError(where, 'the XML parser did not finish');
  if (outcome.err !== null) throw new MalformedXmlError(where, outcome.err.message.replaceAll('\n', ' '));
  if (!isObject(outcome.result)) throw new MalformedXmlError(where, 'empty document');
  return outcome.result;
}

/** The child elements called `name`, in document order. */
export function children(node: unknown, name: string): unknown[] {
  if (!isObject(node)) return [];
  const list = node[name];
  return Array.isArray(list) ? list : [];
}

export function firstChild(node: unknown, name: string): unknown {
  return children(node, name)[0];
}

export function attribute(node: unknown, name: string): string | undefined {
  if (!isObject(node)) return undefined;
  const attrs = node.$;
  if (!isObject(attrs)) return undefined;
  const value = attrs[name];
  return typeof value === 'string' ? value : undefined;
}

/** The single root element, checked by name. */
export function rootElement(doc: XmlObject, name: string, where: string): unknown {
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== name) {
    throw new MalformedXmlError(where, `expected a <${name}> root element, found <${keys.join('>, <')}>`);
  }
  return doc[name];
}

/** Element tree as xml2js's Builder takes it: `$` for attributes, keys in output order. */
export type XmlElement = { $?: Record<string, string> } & { [child: string]: XmlElement | Record<string, string> | undefined };

export function renderXml(rootName: string, root: XmlElement): string {
  // Pretty and headless like libvirt's own device XML, so a diff against dumpxml reads well.
  const builder = new xml2js.Builder({ headless: true, renderOpts: { pretty: true, indent: '  ', newline: '\n' } });
  return builder.buildObject({ [rootName]: root });
}
