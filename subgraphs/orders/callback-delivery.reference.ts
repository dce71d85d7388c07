import type { SubgraphContext } from '../shared/context.js';
import { visibleDelivery } from './callback-delivery.resolver.js';
import type { CallbackDeliveryNode } from './callback-delivery.type.js';

/** `CallbackDelivery @key(fields: "id")`: resolves only for the admin or the merchant it is owed to. */
export function resolveCallbackDeliveryReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<CallbackDeliveryNode> {
  return visibleDelivery(ctx, String(reference.id));
}
