import type { SubgraphContext } from '../shared/context.js';
import { visiblePayout } from './payout.resolver.js';
import type { PayoutNode } from './payout.type.js';

/** `Payout @key(fields: "id")`: resolves only for the admin or the owning merchant. */
export function resolvePayoutReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<PayoutNode> {
  return visiblePayout(ctx, String(reference.id));
}
