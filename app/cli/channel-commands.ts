import { type CliCommand, optionalFlag, requirePositional, UsageError } from './command.js';

function parseEnabled(v: string | boolean | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === true) return true;
  if (v === 'false') return false;
  throw new UsageError('--enabled takes true or false');
}

/** The document-004 channel table is data: these commands edit it (GraphQL does too). */
export const channelCommands: CliCommand[] = [
  {
    name: 'channel list',
    usage: 'channel list',
    async run(core) {
      const channels = await core.channels.list(core.em());
      return { channels: channels.map((c) => ({ id: c.id, name: c.name, payType: c.payType ?? null, plugin: c.plugin ?? null, enabled: c.enabled })) };
    },
  },
  {
    name: 'channel set',
    usage: 'channel set ID [--plugin monitor|sandbox|none] [--enabled true|false] [--name NAME]',
    async run(core, args) {
      const id = Number(requirePositional(args, 0, 'ID'));
      if (!Number.isInteger(id)) throw new UsageError('ID must be a channel number');
      const plugin = optionalFlag(args, 'plugin');
      const name = optionalFlag(args, 'name');
      const channel = await core.channels.update(
        core.em(),
        id,
        { plugin: plugin === undefined ? undefined : plugin === 'none' ? null : plugin, enabled: parseEnabled(args.flags.enabled), name },
        'cli',
      );
      return { id: channel.id, name: channel.name, payType: channel.payType ?? null, plugin: channel.plugin ?? null, enabled: channel.enabled };
    },
  },
];
