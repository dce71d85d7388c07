import type { PaymentChannelPlugin } from '../../../core/ports/index.js';
import { CoreError } from '../../../core/services/errors.js';
import { monitorCandidates, noCandidateReason } from './candidates.js';

export const MONITOR_ID = 'monitor';

/**
 * The monitor payment channel (document 000): the merchant collects on personal payment
 * codes and a monitoring app on their phone reports what arrives. A pay-in gets one of the
 * merchant's online accounts and an amount no other open order on that account expects, so
 * the report of "X yuan arrived in account A" names exactly one order.
 */
export const monitorChannel: PaymentChannelPlugin = {
  id: MONITOR_ID,
  displayName: 'Monitored personal payment codes (document 000)',
  async planPayAction(request, context) {
    const accounts = await context.collectionAccounts(request.merchantId, request.payType);
    const candidates = monitorCandidates(request.amount, accounts, context.amountSteps);
    if (candidates.length === 0) {
      throw new CoreError('unavailable', noCandidateReason(request.amount, request.payType, accounts), { channelId: request.channelId });
    }
    return { candidates };
  },
};
