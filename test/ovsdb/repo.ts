// Where the repository and its test material are, seen from the compiled test (dist/test/ovsdb).
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The OVN Northbound (and IC) schemas of other releases, kept in the repository so a fresh clone
 * tests against them with nothing beside it.
 */
export const versionedSchemasDir = resolve(repoRoot, 'test/schemas');

/** The Open_vSwitch schema the openvswitch-common package installs. */
export const vswitchSchema = '/usr/share/openvswitch/vswitch.ovsschema';
