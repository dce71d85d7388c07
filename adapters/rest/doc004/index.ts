import type { RestAdapter } from '../adapter.js';
import { cashierRoutes } from './cashier-routes.js';
import { payInJsonRoutes } from './payin-routes.js';
import { payoutRoutes } from './payout-routes.js';
import { paymentQueryRoutes } from './query-routes.js';

/**
 * Document 004, the pay-in and payout gateway. Each route group is its own encapsulated
 * plugin because each answers refusals in a different shape: pay-in JSON
 * `{success, errorMsg, payUrl}`, query/payout JSON `{error, errorMessage}`, and HTML for
 * the browser-facing cashier routes. Decisions: docs/protocols.md, "Document 004".
 */
export const doc004Adapter: RestAdapter = {
  name: 'doc004',
  description: 'Document 004: pay-ins (cashier page), payment queries, payouts',
  plugin: async (app, opts) => {
    await app.register(cashierRoutes, opts);
    await app.register(payInJsonRoutes, { ...opts, prefix: '/api/Pay' });
    await app.register(paymentQueryRoutes, { ...opts, prefix: '/api/Payments' });
    await app.register(payoutRoutes, { ...opts, prefix: '/api/Payouts' });
  },
};
