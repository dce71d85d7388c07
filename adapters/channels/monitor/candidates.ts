import { formatFenAsYuan, type Fen } from '../../../core/money/fen.js';
import type { AmountCandidate, AmountStepPolicy, CollectionAccountView } from '../../../core/ports/index.js';

/**
 * Pure candidate generation of the monitor channel: which (collection account, payable
 * amount) pairs a new pay-in may take, best first. Core claims the first pair no other open
 * order holds; this file only proposes.
 */

/** The amount itself, then 1-fen steps away from it: `down` 100, 99, 98…; `up` 100, 101…; `both` 100, 99, 101, 98, 102… */
export function steppedAmounts(amount: Fen, policy: AmountStepPolicy): Fen[] {
  const amounts: Fen[] = [amount];
  for (let step = 1; step <= policy.count; step++) {
    if (policy.direction !== 'up') amounts.push(amount - step);
    if (policy.direction !== 'down') amounts.push(amount + step);
  }
  return amounts.filter((a) => a > 0);
}

/** Whether the account may be asked to receive `amount` now: enabled, online, within min/max and today's cap. */
export function accountAccepts(account: CollectionAccountView, amount: Fen): boolean {
  return (
    account.enabled &&
    account.online &&
    (account.minAmount === null || amount >= account.minAmount) &&
    (account.maxAmount === null || amount <= account.maxAmount) &&
    (account.dailyCap === null || account.receivedToday + amount <= account.dailyCap)
  );
}

const PAY_APP: Record<string, string> = {
  alipay: '支付宝',
  wxpay: '微信',
  qqpay: 'QQ',
  bank: '银行App或云闪付',
  unionpay: '云闪付',
};

/** What the cashier shows for one pair: the account's QR and the exact amount to pay. */
export function payActionFor(account: CollectionAccountView, amount: Fen): AmountCandidate['action'] {
  const app = PAY_APP[account.payType] ?? account.payType;
  return {
    kind: 'qr',
    content: account.qrContent,
    hint: `请使用${app}扫码，并准确支付 ${formatFenAsYuan(amount)} 元（金额不符将无法自动到账）`,
  };
}

/**
 * Every acceptable pair, best first: the exact amount on every account before any shifted
 * amount (a payer is happiest paying what was asked), and among accounts the one that has
 * received least today (spreads load and keeps accounts under their caps).
 */
export function monitorCandidates(amount: Fen, accounts: CollectionAccountView[], policy: AmountStepPolicy): AmountCandidate[] {
  const preferred = [...accounts].sort((a, b) => a.receivedToday - b.receivedToday || a.id - b.id);
  const candidates: AmountCandidate[] = [];
  for (const payable of steppedAmounts(amount, policy)) {
    for (const account of preferred) {
      if (accountAccepts(account, payable)) {
        candidates.push({ collectionAccountId: account.id, payableAmount: payable, action: payActionFor(account, payable) });
      }
    }
  }
  return candidates;
}

/** Why no pair could be proposed, in words a merchant can act on. */
export function noCandidateReason(amount: Fen, payType: string | null, accounts: CollectionAccountView[]): string {
  const kind = payType ? `${payType} ` : '';
  const enabled = accounts.filter((a) => a.enabled);
  if (enabled.length === 0) return `the merchant has no enabled ${kind}collection account`;
  if (!enabled.some((a) => a.online)) return `no ${kind}collection account is online (its monitor app has not sent a heartbeat recently)`;
  return `no online ${kind}collection account accepts ${formatFenAsYuan(amount)} yuan (minimum, maximum or daily cap)`;
}
