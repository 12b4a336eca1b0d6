// Every feature of hvnetd, in start order. A new feature (peering, NICs) is one line here.
import type { FeatureFactory } from '../feature.js';
import { createCoreFeature } from './core.js';
import { createDebugFeature } from './debug.js';
import { createIntegrationsFeature } from './integrations/index.js';
import { createNetworksFeature } from './networks.js';
import { createNicsFeature } from './nics.js';

export const FEATURES: readonly FeatureFactory[] = [createCoreFeature, createDebugFeature, createNetworksFeature, createIntegrationsFeature, createNicsFeature];
