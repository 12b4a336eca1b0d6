// Every command of the hvnet CLI. A feature adds its commands here (one line), next to the
// daemon-side methods they call.
import type { CliEntry } from '../command.js';
import { statusCommand } from './status.js';
import { versionCommand } from './version.js';
import { configGroup } from './config.js';
import { networkGroup } from './network.js';
import { projectGroup } from './project.js';
import { nicGroup } from './nic.js';

export const COMMANDS: readonly CliEntry[] = [statusCommand, versionCommand, configGroup, projectGroup, networkGroup, nicGroup];
