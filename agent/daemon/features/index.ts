// Every feature of hvnetd, in start order. A new feature (peering, NICs) is one line here.
import type { Feature } from '../feature.js';
import { coreFeature } from './core.js';
import { debugFeature } from './debug.js';
import { networksFeature } from './networks.js';
import { nicsFeature } from './nics.js';

export const FEATURES: readonly Feature[] = [coreFeature, debugFeature, networksFeature, nicsFeature];
