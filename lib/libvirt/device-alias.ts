// Which device a detach XML means, so detachAndConfirm knows the DEVICE_REMOVED alias to wait for.
// Pure functions on the XML text: a device snippet is small and flat, and lib/domxml's parser is
// used for the live domain XML.
import { listInterfaceIdentities } from '../domxml/parse.js';

function attr(xml: string, element: string, name: string): string | undefined {
  const el = new RegExp(`<${element}\\b[^>]*?\\b${name}\\s*=\\s*(['"])(.*?)\\1`, 's').exec(xml);
  return el?.[2];
}

/** `<alias name='…'/>` of a device snippet, if present. */
export function aliasFromDeviceXml(xml: string): string | undefined {
  return attr(xml, 'alias', 'name');
}

/** `<mac address='…'/>` of an interface snippet, lower-cased, if present. */
export function macFromDeviceXml(xml: string): string | undefined {
  return attr(xml, 'mac', 'address')?.toLowerCase();
}

/** The alias libvirt gave the NIC with this MAC in the live domain XML. */
export function aliasForMac(liveDomainXml: string, mac: string): string | undefined {
  const m = mac.toLowerCase();
  return listInterfaceIdentities(liveDomainXml).find((i) => i.mac === m)?.alias;
}
