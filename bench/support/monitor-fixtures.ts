import type { Core } from '../../core/core.js';
import { Channel } from '../../core/entities/index.js';
import { sortedMd5Sign } from '../../core/signing/index.js';

/** Channel 2 (支付宝, pay type alipay) of the seeded document-004 table. */
export const MONITOR_CHANNEL_ID = 2;

/** A merchant collecting on one Alipay code watched by one monitor app, as document 000 sees it. */
export interface MonitorShop {
  merchantId: number;
  pid: string;
  md5Key: string;
  accountId: number;
  dashboardToken: string;
  /** The monitor app watching the account (it must keep sending heartbeats). */
  clientName: string;
}

/** An open pay-in a report can pay: what the payer was told to pay, and the merchant's reference. */
export interface PendingOrder {
  mrn: string;
  payableAmount: number;
  publicId: string;
}

/**
 * Assigns the channel to the monitor plugin: `Channel.plugin` is admin-edited data (there is
 * no service for it yet), set here the way an operator's SQL or the admin console would.
 */
export async function routeChannelToMonitor(core: Core, channelId = MONITOR_CHANNEL_ID): Promise<void> {
  await core.em().nativeUpdate(Channel, { id: channelId }, { plugin: 'monitor' });
}

/** A merchant, its collection account and a heartbeat from its monitor app (so new orders may use the account). */
export async function openMonitorShop(core: Core, name: string): Promise<MonitorShop> {
  const issued = await core.merchants.create(core.em(), { name });
  const clientName = 'bench-phone';
  const account = await core.collectionAccounts.create(core.em(), {
    merchantId: issued.merchant.id,
    payType: 'alipay',
    channelCode: 'ali_qr',
    accountName: '收款账号A',
    qrContent: `https://qr.alipay.com/bench${issued.pid}`,
    clientName,
  });
  const shop = { merchantId: issued.merchant.id, pid: issued.pid, md5Key: issued.md5Key, accountId: account.id, dashboardToken: issued.dashboardToken, clientName };
  await heartbeat(core, shop);
  return shop;
}

/** The shop's monitor app says it is online (a real one does every minute or so). */
async function heartbeat(core: Core, shop: MonitorShop): Promise<void> {
  await core.em().transactional((em) => core.monitorClients.heartbeat(em, { merchantId: shop.merchantId, clientName: shop.clientName }));
}

/** A heartbeat this often while orders are opened: well inside HEARTBEAT_OFFLINE_SECONDS (180 s). */
const HEARTBEAT_EVERY_MS = 30_000;

export interface PendingOrderBatch {
  /** Prefix of each mrn; the n-th order is `${mrnPrefix}-${n}`. */
  mrnPrefix: string;
  count: number;
  /** Order n asks for `firstAmountFen + n`: distinct amounts, so each gets exactly what it asked. */
  firstAmountFen: number;
  callbackUrl: string;
  concurrency?: number;
}

/** Opens `count` pending monitor-channel pay-ins through core (as `/api/Pay/Create` does). */
export async function openPendingOrders(core: Core, shop: MonitorShop, batch: PendingOrderBatch): Promise<PendingOrder[]> {
  const orders: PendingOrder[] = new Array(batch.count);
  let next = 0;
  // A long fixture (a slow machine, a big run) must not outlive the monitor's last heartbeat:
  // new orders only go to accounts whose monitor is online.
  let lastBeat = 0;
  const worker = async () => {
    for (let n = next++; n < batch.count; n = next++) {
      if (Date.now() - lastBeat > HEARTBEAT_EVERY_MS) {
        lastBeat = Date.now();
        await heartbeat(core, shop);
      }
      const mrn = `${batch.mrnPrefix}-${n}`;
      const { order } = await core.payins.create(core.em(), {
        merchantId: shop.merchantId,
        mrn,
        channelId: MONITOR_CHANNEL_ID,
        amount: batch.firstAmountFen + n,
        callbackUrl: batch.callbackUrl,
        returnUrl: 'https://shop.example/done',
        baseUrl: 'http://127.0.0.1',
      });
      orders[n] = { mrn, payableAmount: order.payableAmount, publicId: order.publicId };
    }
  };
  await Promise.all(Array.from({ length: batch.concurrency ?? 12 }, worker));
  return orders;
}

/**
 * The monitor app's `/pc` report of one received payment, as a JSON body with a fresh
 * timestamp and signature (document 000's sorted-MD5 rule with the merchant's report key).
 */
export function signedReportBody(shop: MonitorShop, order: PendingOrder): string {
  const params: Record<string, string | number> = {
    amount: order.payableAmount,
    pay_type: 'alipay',
    channel_code: 'ali_qr',
    channel_account_id: shop.accountId,
    order_id: `ALI-${order.mrn}`,
    pay_time: new Date().toISOString().slice(0, 19).replace('T', ' '),
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  return JSON.stringify({ ...params, sign: sortedMd5Sign(params, shop.md5Key) });
}

export function reportUrl(baseUrl: string, shop: MonitorShop): string {
  return `${baseUrl}/api/report/${shop.pid}/pc`;
}
