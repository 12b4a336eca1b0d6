// The socket methods of network integrations (`hvnet network integration …`, as Incus spells
// them): how this OVN deployment reaches an OVN interconnection, kept in the OVN NB by
// lib/ovn/remote so every hvnetd on the NB serves the same ones. Integrations are global, as in
// Incus: the `project` param every method takes does not apply to them.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineMethod, params } from './methods.js';

const strict = { additionalProperties: false } as const;
const Text = Type.String({ maxLength: 4096 });

/** Incus's api.NetworkIntegration, field for field. */
export const IntegrationInfoSchema = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    type: Type.Literal('ovn'),
    config: Type.Record(Type.String(), Type.String(), {
      description:
        'ovn.northbound_connection / ovn.southbound_connection (the IC-NB and IC-SB remotes), ovn.ca_cert / ovn.client_cert / ovn.client_key ' +
        '(PATHS of PEM files hvnetd reads, never the PEM), ovn.transit.pattern, user.*',
    }),
    used_by: Type.Array(Type.String(), { description: 'The remote peerings using it, as Incus lists them (/1.0/networks/NET/peers/PEER[?project=P]).' }),
  },
  strict,
);
export type IntegrationInfoResult = Static<typeof IntegrationInfoSchema>;

/** The fields of an integration's document `edit` may change (Incus's NetworkIntegrationPut). */
export const INTEGRATION_WRITABLE_FIELDS = ['description', 'config'] as const;

const Name = { name: Text };

export const integrationCreateMethod = defineMethod({
  name: 'network.integration.create',
  summary: 'Creates a network integration (type ovn): the IC-NB and IC-SB remotes, TLS file paths and the transit switch pattern. Key files are checked to be readable.',
  params: params({
    ...Name,
    type: Type.Optional(Type.String({ maxLength: 64, description: 'Incus\'s integration type; `ovn` (the default) is the only one.' })),
    description: Type.Optional(Text),
    config: Type.Optional(Type.Record(Type.String(), Type.String())),
  }),
  result: IntegrationInfoSchema,
});

export const integrationListMethod = defineMethod({
  name: 'network.integration.list',
  summary: 'Every network integration, with the remote peerings using it.',
  params: params({}),
  result: Type.Array(IntegrationInfoSchema),
});

export const integrationShowMethod = defineMethod({
  name: 'network.integration.show',
  summary: 'One network integration.',
  params: params(Name),
  result: IntegrationInfoSchema,
});

export const integrationUpdateMethod = defineMethod({
  name: 'network.integration.update',
  summary: 'Replaces description and/or config from the edited document (`integration edit`); any other field that differs is refused, naming it.',
  params: params({ ...Name, fields: Type.Record(Type.String(), Type.Unknown()) }),
  result: IntegrationInfoSchema,
});

export const integrationSetMethod = defineMethod({
  name: 'network.integration.set',
  summary: 'Sets one config key of an integration.',
  params: params({ ...Name, key: Text, value: Text }),
  result: IntegrationInfoSchema,
});

export const integrationUnsetMethod = defineMethod({
  name: 'network.integration.unset',
  summary: 'Removes one config key of an integration.',
  params: params({ ...Name, key: Text }),
  result: IntegrationInfoSchema,
});

export const integrationGetMethod = defineMethod({
  name: 'network.integration.get',
  summary: 'The value of one config key of an integration (null when unset).',
  params: params({ ...Name, key: Text }),
  result: Type.Object({ key: Type.String(), value: Type.Union([Type.String(), Type.Null()]) }, strict),
});

export const integrationDeleteMethod = defineMethod({
  name: 'network.integration.delete',
  summary: 'Deletes a network integration; refused while remote peerings use it (they are named).',
  params: params(Name),
  result: Type.Object({ deleted: Type.Literal(true) }, strict),
});
