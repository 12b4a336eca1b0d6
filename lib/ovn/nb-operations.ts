// The operation builders for the Northbound, typed by its generated row types: lib/ovn writes
// through these, so a misspelt table or column, or a value of the wrong kind, fails to compile.
import { opsFor } from '../ovsdb/typed-operations.js';
import { ovnNorthboundSchema } from './schema/ovn-nb.generated.js';

export const nb = opsFor(ovnNorthboundSchema);
