import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { dateParam, placeholders } from '../db/raw-sql.js';
import { CollectionAccount, Merchant, MonitorClient, PayInStatus } from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import type { CollectionAccountView } from '../ports/index.js';
import { decodeQrImage, QrImageError } from '../qr/decode-qr-image.js';
import { audit, type Actor } from './audit.js';
import { CoreError, isUniqueViolation } from './errors.js';
import { checkPositiveFen, checkText } from './order-input.js';

/** Pay types a monitor can watch: the document's qqpay/alipay/wxpay, plus bank cards and UnionPay. */
export const MONITOR_PAY_TYPES = ['alipay', 'wxpay', 'qqpay', 'bank', 'unionpay'] as const;
export type MonitorPayType = (typeof MONITOR_PAY_TYPES)[number];

export function isMonitorPayType(s: string): s is MonitorPayType {
  return (MONITOR_PAY_TYPES as readonly string[]).includes(s);
}

export interface CollectionAccountInput {
  merchantId: number;
  payType: string;
  channelCode: string;
  /** How monitors name the account (`coll_user`, `sub_account`). */
  accountName?: string | null;
  /** The QR code's text; or give `qrImage` and it is decoded. */
  qrContent?: string | null;
  qrImage?: Buffer | null;
  minAmount?: Fen | null;
  maxAmount?: Fen | null;
  dailyCap?: Fen | null;
  enabled?: boolean;
  /** Monitor client (`client_name`) that watches it; created offline if new. */
  clientName?: string | null;
}

export type CollectionAccountPatch = Partial<Omit<CollectionAccountInput, 'merchantId'>>;

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Start of the Asia/Shanghai calendar day containing `now` (daily caps follow the merchant's day, UTC+8, no DST). */
export function startOfShanghaiDay(now: Date): Date {
  return new Date(Math.floor((now.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/**
 * A merchant's collection accounts (personal payment codes) and the read-only view the
 * monitor channel plans with (`views`, installed as core's CollectionAccountProvider).
 */
export class CollectionAccountService {
  constructor(private readonly config: Config) {}

  async create(em: EntityManager, input: CollectionAccountInput, actor: Actor = 'system'): Promise<CollectionAccount> {
    const merchant = await em.findOne(Merchant, { id: input.merchantId });
    if (!merchant) throw new CoreError('not_found', `no merchant ${input.merchantId}`);
    const qrContent = this.qrContentOf(input.qrContent, input.qrImage);
    if (qrContent === null) throw new CoreError('invalid_input', 'a QR content or a QR image is required', { field: 'qrContent' });
    const fields = this.checked({ ...input, qrContent });
    try {
      return await em.transactional(async (tx) => {
        const account = tx.create(CollectionAccount, {
          merchant: tx.getReference(Merchant, merchant.id),
          payType: fields.payType!,
          channelCode: fields.channelCode!,
          accountName: fields.accountName ?? null,
          qrContent,
          minAmount: fields.minAmount ?? null,
          maxAmount: fields.maxAmount ?? null,
          dailyCap: fields.dailyCap ?? null,
          enabled: fields.enabled ?? true,
          monitorClient: input.clientName ? await this.clientNamed(tx, merchant.id, input.clientName) : null,
        });
        await tx.flush();
        audit(tx, actor, 'collection_account.create', { type: 'collection_account', id: account.id }, { payType: account.payType, channelCode: account.channelCode });
        await tx.flush();
        return account;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError('duplicate', 'this merchant already has an account of that pay type with that name', { field: 'accountName' });
      throw e;
    }
  }

  async update(em: EntityManager, merchantId: number, id: number, patch: CollectionAccountPatch, actor: Actor = 'system'): Promise<CollectionAccount> {
    const qrContent = this.qrContentOf(patch.qrContent, patch.qrImage);
    try {
      return await em.transactional(async (tx) => {
        const account = await tx.findOne(CollectionAccount, { id, merchant: merchantId });
        if (!account) throw new CoreError('not_found', `no collection account ${id} for this merchant`);
        const merged = this.checked({
          merchantId,
          payType: patch.payType ?? account.payType,
          channelCode: patch.channelCode ?? account.channelCode,
          accountName: patch.accountName !== undefined ? patch.accountName : account.accountName,
          minAmount: patch.minAmount !== undefined ? patch.minAmount : account.minAmount,
          maxAmount: patch.maxAmount !== undefined ? patch.maxAmount : account.maxAmount,
          dailyCap: patch.dailyCap !== undefined ? patch.dailyCap : account.dailyCap,
          enabled: patch.enabled ?? account.enabled,
          qrContent: qrContent ?? account.qrContent,
        });
        tx.assign(account, {
          payType: merged.payType,
          channelCode: merged.channelCode,
          accountName: merged.accountName ?? null,
          minAmount: merged.minAmount ?? null,
          maxAmount: merged.maxAmount ?? null,
          dailyCap: merged.dailyCap ?? null,
          enabled: merged.enabled,
          qrContent: qrContent ?? account.qrContent,
        });
        if (patch.clientName !== undefined) {
          account.monitorClient = patch.clientName ? await this.clientNamed(tx, merchantId, patch.clientName) : null;
        }
        audit(tx, actor, 'collection_account.update', { type: 'collection_account', id }, { fields: Object.keys(patch).filter((k) => k !== 'qrImage') });
        await tx.flush();
        return account;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError('duplicate', 'this merchant already has an account of that pay type with that name', { field: 'accountName' });
      throw e;
    }
  }

  async list(em: EntityManager, merchantId: number): Promise<CollectionAccount[]> {
    return em.find(CollectionAccount, { merchant: merchantId }, { orderBy: { id: 'asc' }, populate: ['monitorClient'] });
  }

  async get(em: EntityManager, merchantId: number, id: number): Promise<CollectionAccount | null> {
    return em.findOne(CollectionAccount, { id, merchant: merchantId }, { populate: ['monitorClient'] });
  }

  /** True when the account's client has been heard from within HEARTBEAT_OFFLINE_SECONDS. */
  isOnline(account: Pick<CollectionAccount, 'online' | 'lastHeartbeatAt'>, now = new Date()): boolean {
    return (
      account.online &&
      account.lastHeartbeatAt != null &&
      account.lastHeartbeatAt.getTime() > now.getTime() - this.config.HEARTBEAT_OFFLINE_SECONDS * 1000
    );
  }

  /**
   * The CollectionAccountProvider of ChannelContext: enabled accounts of a merchant (of a pay
   * type, when given) with today's received sum. `online` is computed from the last heartbeat
   * as well as the flag, so an account whose client went quiet gets no order even before the
   * offline sweep has run.
   */
  views = async (em: EntityManager, merchantId: number, payType: string | null, now = new Date()): Promise<CollectionAccountView[]> => {
    const accounts = await em.find(
      CollectionAccount,
      { merchant: merchantId, enabled: true, ...(payType ? { payType } : {}) },
      { orderBy: { id: 'asc' } },
    );
    const received = await this.receivedToday(em, accounts.map((a) => a.id), now);
    return accounts.map((a) => ({
      id: a.id,
      merchantId,
      payType: a.payType,
      channelCode: a.channelCode,
      qrContent: a.qrContent,
      minAmount: a.minAmount ?? null,
      maxAmount: a.maxAmount ?? null,
      dailyCap: a.dailyCap ?? null,
      receivedToday: received.get(a.id) ?? 0,
      online: this.isOnline(a, now),
      enabled: a.enabled,
    }));
  };

  /**
   * Sum paid into each account since the start of today (Asia/Shanghai), summed by the
   * database over the (account, paid_at) index. Every new monitor order asks this; loading
   * the day's paid orders instead made order creation slower with every payment of the day
   * (bench/FINDINGS.md: ~10 orders/s after a few thousand payments).
   */
  async receivedToday(em: EntityManager, accountIds: number[], now = new Date()): Promise<Map<number, Fen>> {
    if (accountIds.length === 0) return new Map();
    const rows = await em.execute<Array<{ account_id: unknown; received: unknown }>>(
      `select collection_account_id as account_id, sum(paid_amount) as received from payin_order
       where collection_account_id in (${placeholders(accountIds)}) and paid_at >= ? and status = ?
       group by collection_account_id`,
      [...accountIds, dateParam(em, startOfShanghaiDay(now)), PayInStatus.Paid],
    );
    const sums = new Map<number, Fen>();
    for (const row of rows) {
      // PostgreSQL sums bigint as numeric (text here); a sum past 2^53 fen is not a day's takings.
      const received = Number(row.received);
      if (!Number.isSafeInteger(received)) throw new Error(`received today in account ${String(row.account_id)} is not a whole number of fen: ${String(row.received)}`);
      sums.set(Number(row.account_id), received);
    }
    return sums;
  }

  private qrContentOf(content: string | null | undefined, image: Buffer | null | undefined): string | null {
    if (image && image.length > 0) {
      try {
        return decodeQrImage(image);
      } catch (e) {
        if (e instanceof QrImageError) throw new CoreError('invalid_input', `QR image: ${e.message}`, { field: 'qrImage' });
        throw e;
      }
    }
    if (content == null) return null;
    const trimmed = content.trim();
    checkText(trimmed, 'qrContent', 2048);
    return trimmed;
  }

  private checked(input: CollectionAccountInput): CollectionAccountInput {
    if (!isMonitorPayType(input.payType)) {
      throw new CoreError('invalid_input', `payType must be one of ${MONITOR_PAY_TYPES.join(', ')}`, { field: 'payType' });
    }
    checkText(input.channelCode, 'channelCode', 32);
    if (input.accountName != null) checkText(input.accountName, 'accountName', 64);
    for (const field of ['minAmount', 'maxAmount', 'dailyCap'] as const) {
      const v = input[field];
      if (v != null) checkPositiveFen(v, field);
    }
    if (input.minAmount != null && input.maxAmount != null && input.minAmount > input.maxAmount) {
      throw new CoreError('invalid_input', 'minAmount must not exceed maxAmount', { field: 'minAmount' });
    }
    return input;
  }

  /** The merchant's monitor client of that name, created (offline) when new. */
  private async clientNamed(em: EntityManager, merchantId: number, clientName: string): Promise<MonitorClient> {
    checkText(clientName, 'clientName', 64);
    const existing = await em.findOne(MonitorClient, { merchant: merchantId, clientName });
    if (existing) return existing;
    const client = em.create(MonitorClient, { merchant: em.getReference(Merchant, merchantId), clientName });
    await em.flush();
    return client;
  }
}
