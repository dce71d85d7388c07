import type { CliCommand } from './command.js';
import { callbackCommands } from './callback-commands.js';
import { channelCommands } from './channel-commands.js';
import { integrationCommands } from './integration-commands.js';
import { merchantCommands } from './merchant-commands.js';
import { monitorCommands } from './monitor-commands.js';
import { payoutCommands } from './payout-commands.js';

/** Every admin command; a new group is one import here. */
export const cliCommands: CliCommand[] = [
  ...merchantCommands,
  ...integrationCommands,
  ...channelCommands,
  ...payoutCommands,
  ...callbackCommands,
  ...monitorCommands,
];
