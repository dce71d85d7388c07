import type { SubgraphContext } from '../shared/context.js';
import { visibleReport } from './payment-report.resolver.js';
import { toPaymentReportNode, type PaymentReportNode } from './payment-report.type.js';

/** `PaymentReport @key(fields: "id")`: resolves only for the admin or its merchant. */
export async function resolvePaymentReportReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<PaymentReportNode> {
  return toPaymentReportNode(await visibleReport(ctx, String(reference.id)));
}
