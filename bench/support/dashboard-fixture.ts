import { CallbackDelivery, CallbackStatus } from '../../core/entities/index.js';
import { openMonitorShop, openPendingOrders } from './monitor-fixtures.js';
import { pollUntil } from './processes.js';
import type { BenchStack } from './stack.js';

/** Paid pay-ins per dashboard merchant (the query asks for the first 20). */
export const DASHBOARD_PAID_ORDERS = 12;

/**
 * The merchants the gateway section's dashboard query shows, each with paid pay-ins whose
 * callbacks the all-in-one process delivers to the receiver, so every field of the query
 * (balance, orders, channel, last delivery's attempts) has data that no longer changes.
 * Several merchants, so concurrent requests are different requests: a gateway that merges
 * identical in-flight requests cannot turn the load into one request.
 */
export async function openDashboardMerchants(stack: BenchStack, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let m = 0; m < count; m++) {
    const shop = await openMonitorShop(stack.core, `Bench Dashboard Shop ${m}`);
    const orders = await openPendingOrders(stack.core, shop, {
      mrnPrefix: `dash${m}`,
      count: DASHBOARD_PAID_ORDERS,
      firstAmountFen: 880_000 + m * 100,
      callbackUrl: `${stack.receiver.url}/dashboard`,
    });
    for (const order of orders) {
      await stack.core.payins.settle(stack.core.em(), order.publicId, { amountReceived: order.payableAmount, upstreamTradeNo: `DASH-${order.mrn}`, source: 'bench' });
    }
    ids.push(shop.merchantId);
  }
  return ids;
}

/** Waits until the dashboard orders' callbacks are delivered (the relay in the other process polls for them). */
export async function dashboardSettled(stack: BenchStack, merchantIds: number[], ms: number): Promise<boolean> {
  const expected = merchantIds.length * DASHBOARD_PAID_ORDERS;
  return pollUntil(
    async () => (await stack.core.em().count(CallbackDelivery, { merchant: { $in: merchantIds }, status: CallbackStatus.Delivered })) >= expected,
    ms,
    100,
  );
}
