import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { Channel } from '../entities/index.js';
import type { ChannelContext, CollectionAccountView, PaymentChannelPlugin } from '../ports/index.js';
import { audit, type Actor } from './audit.js';
import { CoreError } from './errors.js';

/** What an admin may change of a channel-table row. `plugin: null` unassigns it. */
export interface ChannelChanges {
  name?: string;
  plugin?: string | null;
  enabled?: boolean;
}

/** Name of the plugin that serves unassigned channels while SANDBOX_CHANNEL is on. */
export const SANDBOX_PLUGIN_ID = 'sandbox';

/**
 * Where collection accounts come from. Core ships one that knows none; document 000's
 * collection accounts replace it through `createCore({ collectionAccounts })`.
 */
export type CollectionAccountProvider = (
  em: EntityManager,
  merchantId: number,
  payType: string | null,
) => Promise<CollectionAccountView[]>;

export const noCollectionAccounts: CollectionAccountProvider = async () => [];

/**
 * The registered payment channel plugins and the routing rule of the document-004 channel
 * table: `Channel.plugin` (data an admin edits) names the plugin; an unassigned channel goes
 * to the sandbox while SANDBOX_CHANNEL is on and is refused otherwise. With the sandbox off
 * its plugin is not active at all, even for a channel that names it.
 */
export class PaymentChannels {
  private readonly active = new Map<string, PaymentChannelPlugin>();

  constructor(
    plugins: PaymentChannelPlugin[],
    private readonly config: Config,
    private readonly secrets: SecretBox,
    private readonly collectionAccounts: CollectionAccountProvider,
  ) {
    for (const plugin of plugins) {
      if (this.active.has(plugin.id)) throw new Error(`two payment channel plugins are named "${plugin.id}"`);
      if (plugin.id === SANDBOX_PLUGIN_ID && !config.SANDBOX_CHANNEL) continue;
      this.active.set(plugin.id, plugin);
    }
  }

  /** An active plugin by name, or null (unknown, or the sandbox while it is off). */
  plugin(id: string): PaymentChannelPlugin | null {
    return this.active.get(id) ?? null;
  }

  /** The enabled channel row and the plugin that serves it; CoreError when either is missing. */
  async route(em: EntityManager, channelId: number): Promise<{ channel: Channel; plugin: PaymentChannelPlugin }> {
    const channel = await em.findOne(Channel, { id: channelId });
    if (!channel || !channel.enabled) throw new CoreError('invalid_input', `unknown or disabled channel ${channelId}`, { field: 'channelId' });
    const name = channel.plugin ?? (this.config.SANDBOX_CHANNEL ? SANDBOX_PLUGIN_ID : null);
    const plugin = name ? this.plugin(name) : null;
    if (!plugin) throw new CoreError('unavailable', `channel ${channelId} has no payment channel available`, { channelId });
    return { channel, plugin };
  }

  /** The read-only context lent to `plugin` for one call. */
  context(em: EntityManager, plugin: PaymentChannelPlugin, now = new Date()): ChannelContext {
    return {
      collectionAccounts: (merchantId, payType) => this.collectionAccounts(em, merchantId, payType),
      signingKey: this.secrets.derive(`channel:${plugin.id}`),
      amountSteps: { count: this.config.AMOUNT_STEP_COUNT, direction: this.config.AMOUNT_STEP_DIRECTION },
      now,
    };
  }

  /** Every channel-table row, by id. */
  async list(em: EntityManager): Promise<Channel[]> {
    return em.find(Channel, {}, { orderBy: { id: 'asc' } });
  }

  /** Edits a channel-table row (data, not code), refusing plugins that are not registered; audited. */
  async update(em: EntityManager, channelId: number, changes: ChannelChanges, actor: Actor): Promise<Channel> {
    if (changes.plugin !== undefined && changes.plugin !== null && !this.active.has(changes.plugin)) {
      throw new CoreError('invalid_input', `no active payment channel plugin "${changes.plugin}" (active: ${[...this.active.keys()].join(', ') || 'none'})`);
    }
    if (changes.name !== undefined && (changes.name.trim() === '' || changes.name.length > 64)) {
      throw new CoreError('invalid_input', 'channel name must be 1–64 characters');
    }
    return em.transactional(async (tx) => {
      const channel = await tx.findOne(Channel, { id: channelId });
      if (!channel) throw new CoreError('not_found', `no channel ${channelId}`);
      const before = { name: channel.name, plugin: channel.plugin ?? null, enabled: channel.enabled };
      if (changes.name !== undefined) channel.name = changes.name.trim();
      if (changes.plugin !== undefined) channel.plugin = changes.plugin;
      if (changes.enabled !== undefined) channel.enabled = changes.enabled;
      audit(tx, actor, 'channel.update', { type: 'channel', id: channelId }, { before, after: { name: channel.name, plugin: channel.plugin ?? null, enabled: channel.enabled } });
      return channel;
    });
  }
}
