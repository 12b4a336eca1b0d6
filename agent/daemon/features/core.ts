// The methods every hvnetd has: its status, its version, and the list of what it serves.
import { API_VERSION, methodsMethod, statusMethod, versionMethod } from '../../api/methods.js';
import type { Feature } from '../feature.js';

export const coreFeature: Feature = {
  name: 'core',
  register(ctx) {
    ctx.methods.register(statusMethod, () => ({ status: ctx.health.status, daemon: ctx.info, reporting: ctx.reporting() }));
    ctx.methods.register(versionMethod, () => ({ version: ctx.info.version, api: API_VERSION }));
    ctx.methods.register(methodsMethod, () => ctx.methods.list());
  },
};
