import type { Core } from '../../core/core.js';
import { formatFenAsYuan } from '../../core/money/fen.js';
import type { PayoutRef } from '../../core/services/payouts.js';
import type { Payout } from '../../core/entities/index.js';
import { type CliCommand, type ParsedArgs, requireFlag, UsageError } from './command.js';

/**
 * The sandbox payout channel: until a real payout channel plugin exists, an operator pays
 * out by hand and records the outcome here. `complete` owes the merchant's document-004
 * callback; `fail` releases the reserved amount and owes none (see PayoutService).
 */
function payoutRef(args: ParsedArgs): PayoutRef {
  const id = args.positionals[0];
  if (id) return { publicId: id };
  throw new UsageError('PAYOUT_ID is required (see `payout pending`)');
}

function show(p: Payout): Record<string, unknown> {
  return {
    id: p.publicId,
    merchantPid: p.merchant.pid,
    mrn: p.mrn,
    amount: p.amount,
    amountYuan: formatFenAsYuan(p.amount),
    bankName: p.bankName,
    accountName: p.accountName,
    accountNumber: p.accountNumber,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
    ...(p.failureReason ? { failureReason: p.failureReason } : {}),
  };
}

async function finish(core: Core, args: ParsedArgs, outcome: 'complete' | 'fail'): Promise<Record<string, unknown>> {
  const ref = payoutRef(args);
  const em = core.em();
  const payout =
    outcome === 'complete' ? await core.payouts.complete(em, ref, 'cli') : await core.payouts.fail(em, ref, requireFlag(args, 'reason'), 'cli');
  return show(payout);
}

export const payoutCommands: CliCommand[] = [
  {
    name: 'payout pending',
    usage: 'payout pending   (payouts waiting to be paid out, oldest first)',
    async run(core) {
      const pending = await core.payouts.listPending(core.em(), 500);
      return { payouts: pending.map(show) };
    },
  },
  {
    name: 'payout complete',
    usage: 'payout complete PAYOUT_ID   (money sent: the merchant is called back)',
    run: (core, args) => finish(core, args, 'complete'),
  },
  {
    name: 'payout fail',
    usage: 'payout fail PAYOUT_ID --reason TEXT   (not sent: the reserved amount returns to the merchant)',
    run: (core, args) => finish(core, args, 'fail'),
  },
];
