// The installed OVN schemas (Debian packages ovn-central, ovn-ic-db).
export const OVN_SCHEMA_DIR = '/usr/share/ovn';
export const NB_SCHEMA = `${OVN_SCHEMA_DIR}/ovn-nb.ovsschema`;
export const SB_SCHEMA = `${OVN_SCHEMA_DIR}/ovn-sb.ovsschema`;
export const IC_NB_SCHEMA = `${OVN_SCHEMA_DIR}/ovn-ic-nb.ovsschema`;
export const IC_SB_SCHEMA = `${OVN_SCHEMA_DIR}/ovn-ic-sb.ovsschema`;
