import type { SubgraphContext } from '../shared/context.js';
import { visiblePayIn } from './payin-order.resolver.js';
import type { PayInOrderNode } from './payin-order.type.js';

/** `PayInOrder @key(fields: "id")`: resolves only for the admin or the owning merchant. */
export function resolvePayInOrderReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<PayInOrderNode> {
  return visiblePayIn(ctx, String(reference.id));
}
