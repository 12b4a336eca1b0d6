// The top-level commands as `hvnet --help` lists them: name and one line each, known without
// loading any command's module (index.ts loads only the modules a call names). Each command's
// module takes its name and line from here, so the two cannot drift apart.
export const TOPICS = {
  status: {
    command: 'status',
    describe: 'show whether this host is operational, and why not: OVN NB, libvirt, required links and networks, report delivery',
  },
  version: { command: 'version', describe: 'print the version of this CLI' },
  config: { command: 'config', describe: 'work with hvnetd configuration files' },
  project: { command: 'project', describe: 'manage projects (networks and peerings belong to one)' },
  network: { command: 'network', describe: 'manage OVN networks and their peerings' },
  nic: { command: 'nic', describe: 'NICs of libvirt domains (macvtap, Linux bridge): attach, detach, list, MAC pool' },
} as const;
