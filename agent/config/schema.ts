// The one description of /etc/hvnet/hvnet.yaml: types, allowed values, defaults and what each key
// is for. The loader checks against it, `hvnet config check` prints its verdict, and
// hvnet.schema.json (for editors) and hvnet.example.yaml are generated from it.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

const MAC = '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$';
const LISTEN = '^(\\[[0-9a-fA-F:]+\\]|[0-9.]+|localhost):[0-9]{1,5}$';
const LINK_NAME = '^[^/\\s:]{1,15}$';

const strict = { additionalProperties: false } as const;

export const SslFilesSchema = Type.Object(
  {
    privateKey: Type.String({ minLength: 1, description: 'PEM private key of this host (ovn-nbctl --private-key).' }),
    certificate: Type.String({ minLength: 1, description: 'PEM certificate of this host (--certificate).' }),
    caCertificate: Type.String({ minLength: 1, description: 'PEM CA the NB servers are checked against (--ca-cert).' }),
  },
  { ...strict, description: 'Key material for ssl: remotes; required as soon as one remote is ssl:.' },
);

export const ConfigSchema = Type.Object(
  {
    host: Type.Object(
      {
        id: Type.Optional(
          Type.String({
            pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
            description:
              "This host's id in reports and OVN external_ids. Default: the OVS system-id " +
              '(ovs-vsctl get Open_vSwitch . external_ids:system-id) if there is one, else the hostname.',
          }),
        ),
      },
      { ...strict, default: {} },
    ),
    ovn: Type.Object(
      {
        nb: Type.Object(
          {
            remotes: Type.String({
              minLength: 1,
              default: 'unix:/var/run/ovn/ovnnb_db.sock',
              description: 'OVN Northbound remotes as OVN writes them: unix:PATH, tcp:IP:PORT, ssl:IP:PORT, comma-separated.',
            }),
            ssl: Type.Optional(SslFilesSchema),
            inactivityProbeMs: Type.Integer({
              minimum: 0,
              maximum: 600_000,
              default: 5_000,
              description:
                'Echo the NB after this long without traffic; declared dead after twice this long. 0 turns it off. ' +
                'A hung NB shows in the host status within two probe intervals.',
            }),
            connectTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5_000, description: 'Give up one connection attempt after this long.' }),
            readyTimeoutSeconds: Type.Integer({
              minimum: 0,
              maximum: 3_600,
              default: 30,
              description: 'How long start-up waits for the NB cache before telling systemd READY with a STATUS saying the NB is down.',
            }),
          },
          { ...strict, default: {} },
        ),
        sb: Type.Optional(
          Type.Object(
            {
              remotes: Type.String({
                minLength: 1,
                description:
                  'OVN Southbound remotes as OVN writes them (unix:PATH, tcp:IP:PORT, ssl:IP:PORT, comma-separated), ' +
                  'for `hvnet network peer show --trace` (ovn-trace --db) and for telling where a VM port lives before it is removed as an orphan ' +
                  '(a short read-only session; without it the NB `up` flag stands in, and a port bound anywhere is kept); hvnetd keeps no SB connection open.',
              }),
              ssl: Type.Optional(SslFilesSchema),
              traceTimeoutMs: Type.Integer({
                minimum: 1_000,
                maximum: 120_000,
                default: 10_000,
                description: 'One ovn-trace run gives up after this long (it reads the whole SB first).',
              }),
            },
            { ...strict, description: 'Southbound access, used only to trace peerings; without it `peer show --trace` says the trace is unavailable.' },
          ),
        ),
      },
      { ...strict, default: {} },
    ),
    libvirt: Type.Object(
      {
        uri: Type.String({
          minLength: 1,
          default: 'qemu:///system',
          description:
            'libvirt connection URI. test:///FILE (libvirt\'s test driver: the domains of an XML file, no VMs run) is for fleet tests; ' +
            'the status says when it is in use.',
        }),
        enabled: Type.Boolean({
          default: true,
          description:
            'false: a network-only node (no VMs here). hvnetd does not connect to libvirt, the nic methods say so, and the host is ' +
            'operational without it. true: libvirt is required; while it cannot be reached the host is non-operational.',
        }),
        ovsDbSocket: Type.String({
          pattern: '^/',
          default: '/run/openvswitch/db.sock',
          description:
            "The local Open_vSwitch database's socket: hvnetd reads the integration bridge from it, and NICs on OVN networks are refused while it does not answer (libvirt's ovs-vsctl uses the default path).",
        }),
        orphanPortGraceSeconds: Type.Integer({
          minimum: 0,
          maximum: 86_400,
          default: 60,
          description:
            'A logical switch port this host made for a VM NIC whose domain no longer has that NIC is removed after this long (an attach in flight, a domain being redefined, get the time to show up). Ports hvnet did not make are never touched.',
        }),
      },
      { ...strict, default: {} },
    ),
    api: Type.Object(
      {
        socket: Type.String({ pattern: '^/', default: '/run/hvnet/hvnet.sock', description: 'Path of the JSON-RPC Unix socket.' }),
        group: Type.String({
          minLength: 1,
          default: 'hvnet',
          description: 'Group that may use the socket (given to the socket when the group exists; otherwise only root may).',
        }),
        mode: Type.String({ pattern: '^0?[0-7]{3}$', default: '0660', description: 'Octal permissions of the socket.' }),
        maxRequestBytes: Type.Integer({
          minimum: 1_024,
          maximum: 64 * 1024 * 1024,
          default: 1024 * 1024,
          description: 'A request line longer than this is refused and its connection closed.',
        }),
        maxConnections: Type.Integer({
          minimum: 1,
          maximum: 65_536,
          default: 256,
          description: 'Connections served at once, all users together; more are refused.',
        }),
        maxConnectionsPerUser: Type.Integer({
          minimum: 1,
          maximum: 65_536,
          default: 32,
          description:
            'Connections one user other than root (the uid the kernel reports for the peer) may hold at once; more are refused, ' +
            'so one member of the socket group cannot take every connection from the others. Root is bounded by maxConnections alone.',
        }),
        rootReservedConnections: Type.Integer({
          minimum: 0,
          maximum: 65_535,
          default: 16,
          description:
            'Of maxConnections, how many only root may use: however many users in the socket group fill the rest, ' +
            "the administrator's hvnet commands still get through. Must be less than maxConnections.",
        }),
        firstRequestTimeoutSeconds: Type.Integer({
          minimum: 1,
          maximum: 3_600,
          default: 5,
          description: 'A new connection that has not sent a whole request line within this long is closed.',
        }),
        idleTimeoutSeconds: Type.Integer({
          minimum: 1,
          maximum: 86_400,
          default: 300,
          description: 'A connection with nothing in flight and no traffic for this long is closed (after its first request).',
        }),
        shutdownGraceSeconds: Type.Integer({
          minimum: 0,
          maximum: 300,
          default: 10,
          description: 'On SIGTERM, how long requests already running may take to finish.',
        }),
      },
      { ...strict, default: {} },
    ),
    stateDir: Type.String({ pattern: '^/', default: '/var/lib/hvnet', description: 'Persistent state: the report spool and its sequence number.' }),
    controller: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', description: 'Base URL; reports go to <url>/v1/hosts/<id>/status.' }),
          tokenFile: Type.Optional(Type.String({ pattern: '^/', description: 'File holding the bearer token (read on every attempt, so it can be rotated).' })),
          caFile: Type.Optional(Type.String({ pattern: '^/', description: 'PEM CA bundle the controller certificate is checked against (https).' })),
          intervalSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 30, description: 'Heartbeat: a report at least this often even when nothing changed.' }),
          timeoutSeconds: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'One delivery attempt gives up after this long.' }),
          retry: Type.Object(
            {
              initialSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3_600, default: 1, description: 'Pause after the first failed delivery.' }),
              maxSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, default: 60, description: 'The pause doubles (with jitter) up to this.' }),
            },
            { ...strict, default: {} },
          ),
          spool: Type.Object(
            {
              maxBytes: Type.Integer({ minimum: 4_096, default: 16 * 1024 * 1024, description: 'Undelivered reports kept on disk, in bytes; the oldest are dropped (and counted) beyond.' }),
              maxReports: Type.Integer({ minimum: 1, default: 10_000, description: 'Undelivered reports kept on disk, in number.' }),
            },
            { ...strict, default: {} },
          ),
        },
        { ...strict, description: 'Where status reports go; no reports without it.' },
      ),
    ),
    health: Type.Object(
      {
        requiredLinks: Type.Array(
          Type.Object(
            {
              name: Type.String({ pattern: LINK_NAME, description: 'Kernel link name.' }),
              minMtu: Type.Optional(Type.Integer({ minimum: 68, maximum: 65_535, description: 'Smallest acceptable MTU; any MTU when absent.' })),
            },
            strict,
          ),
          { default: [], description: 'Host links that must exist and be up (RHV "required networks" on the host side).' },
        ),
        requiredNetworks: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description:
            'OVN networks that must exist: an hvnet network named `[project/]network` (project `default` when omitted), ' +
            'or a Logical_Switch or Logical_Router another tool made whose external_ids:hvnet-network is the name.',
        }),
        pollIntervalMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 500, description: 'How often the links are read from /sys/class/net.' }),
      },
      { ...strict, default: {} },
    ),
    macPool: Type.Object(
      {
        start: Type.String({ pattern: MAC, default: '02:68:6e:00:00:00', description: "First MAC hvnet may give a NIC (locally administered by default). The pool must not overlap 02:68:76:00:00:00-02:68:76:ff:ff:ff, the MACs of hvnet's router ports." }),
        end: Type.String({ pattern: MAC, default: '02:68:6e:ff:ff:ff', description: 'Last MAC of the pool (inclusive).' }),
      },
      { ...strict, default: {} },
    ),
    logLevel: Type.Union(
      [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace')],
      { default: 'info', description: 'Lowest level written to the journal.' },
    ),
    metrics: Type.Object(
      {
        listen: Type.Optional(Type.String({ pattern: LISTEN, description: 'ADDRESS:PORT for Prometheus /metrics; off when absent.' })),
      },
      { ...strict, default: {} },
    ),
  },
  { ...strict, $id: 'https://hvnet.invalid/schema/hvnet-config.json', title: 'hvnet.yaml' },
);

export type RawConfig = Static<typeof ConfigSchema>;
export type LogLevel = RawConfig['logLevel'];

/** The configuration after defaults, with the host id resolved. */
export type Config = Omit<RawConfig, 'host'> & { host: { id: string } };

export const DEFAULT_CONFIG_FILE = '/etc/hvnet/hvnet.yaml';
