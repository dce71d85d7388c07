import type { CliCommand } from './command.js';
import { integrationCommands } from './integration-commands.js';
import { merchantCommands } from './merchant-commands.js';
import { payoutCommands } from './payout-commands.js';

/** Every admin command; a new group is one import here. */
export const cliCommands: CliCommand[] = [...merchantCommands, ...integrationCommands, ...payoutCommands];
