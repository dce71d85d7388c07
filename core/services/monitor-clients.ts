import { dateParam } from '../db/raw-sql.js';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { CollectionAccount, MonitorClient } from '../entities/index.js';
import type { HeartbeatEvent } from '../ports/index.js';
import { CoreError } from './errors.js';
import { checkText } from './order-input.js';

export interface HeartbeatInput {
  merchantId: number;
  clientName: string;
  /** The document's `channel_id`: a collection account this client serves (bound to it by this heartbeat). */
  channelId?: number | null;
  extData?: string | null;
  now?: Date;
}

/**
 * Monitor clients (the apps on merchants' phones) and whether they, and the collection
 * accounts they watch, are alive. A heartbeat marks both online; `sweepOffline`, run by
 * the upstream-polling worker, marks the silent ones offline.
 */
export class MonitorClientService {
  constructor(private readonly config: Config) {}

  /**
   * Records a heartbeat inside the caller's transaction and returns the event for the
   * heartbeat handlers. The client row is upserted so two first heartbeats racing each
   * other cannot both insert it.
   */
  async heartbeat(em: EntityManager, input: HeartbeatInput): Promise<HeartbeatEvent> {
    const now = input.now ?? new Date();
    checkText(input.clientName, 'client_name', 64);
    if (input.extData != null && input.extData.length > 65_535) throw new CoreError('invalid_input', 'ext_data is too long', { field: 'ext_data' });
    const rows = await em.execute<Array<{ id: number }>>(
      `insert into monitor_client (merchant_id, client_name, online, last_heartbeat_at, ext_data, created_at) values (?, ?, true, ?, ?, ?)
       on conflict (merchant_id, client_name) do update set online = true, last_heartbeat_at = excluded.last_heartbeat_at, ext_data = excluded.ext_data
       returning id`,
      [input.merchantId, input.clientName, dateParam(em, now), input.extData ?? null, dateParam(em, now)],
    );
    const clientId = Number(rows[0]!.id);
    if (input.channelId != null) {
      const bound = await em.nativeUpdate(CollectionAccount, { id: input.channelId, merchant: input.merchantId }, { monitorClient: clientId });
      if (bound === 0) throw new CoreError('not_found', `no collection account ${input.channelId} for this merchant`, { field: 'channel_id' });
    }
    await em.nativeUpdate(CollectionAccount, { monitorClient: clientId }, { online: true, lastHeartbeatAt: now });
    const accounts = await em.find(CollectionAccount, { monitorClient: clientId }, { fields: ['id'], orderBy: { id: 'asc' } });
    return {
      merchantId: input.merchantId,
      clientName: input.clientName,
      channelId: input.channelId ?? null,
      collectionAccountIds: accounts.map((a) => a.id),
      extDataRaw: input.extData ?? null,
      extData: parseJsonOrNull(input.extData),
      receivedAt: now,
    };
  }

  /** Marks clients and accounts silent for HEARTBEAT_OFFLINE_SECONDS offline. Idempotent. */
  async sweepOffline(em: EntityManager, now = new Date()): Promise<{ clients: number; accounts: number }> {
    const cutoff = new Date(now.getTime() - this.config.HEARTBEAT_OFFLINE_SECONDS * 1000);
    const silent = { online: true, $or: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { $lte: cutoff } }] };
    const clients = await em.nativeUpdate(MonitorClient, silent, { online: false });
    const accounts = await em.nativeUpdate(CollectionAccount, silent, { online: false });
    return { clients, accounts };
  }

  async list(em: EntityManager, merchantId: number): Promise<MonitorClient[]> {
    return em.find(MonitorClient, { merchant: merchantId }, { orderBy: { clientName: 'asc' } });
  }
}

function parseJsonOrNull(text: string | null | undefined): unknown {
  if (text == null || text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
