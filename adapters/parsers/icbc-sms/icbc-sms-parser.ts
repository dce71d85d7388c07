import type { NotificationParser, RecognisedPayment } from '../../../core/ports/index.js';
import { AMOUNT, firstAmount, messageText } from '../text.js';

/**
 * ICBC (工商银行, 95588) account-movement SMS for money coming in:
 * "您尾号1234卡11月22日10:15支付宝转入(张三支付宝转账)100.00元,余额5,230.50元。【工商银行】",
 * "您尾号为1234的卡于11月22日14:30收入(转账)人民币88.88元,余额…". Spending, withdrawals and
 * transfers out give nothing. The card's last four digits narrow the matching to the
 * collection account whose name ends with them.
 */
const SIGNED_BY_ICBC = /(工商银行|工银|ICBC)/i;
const RECEIVED = [
  new RegExp(String.raw`(?:收入|转入|存入|汇入|入账)(?:\([^)]{0,40}\))?\s*(?:人民币|RMB)?\s*${AMOUNT}\s*元`),
];
const OUTGOING = /^[^元]*?(?:支出|消费|取款|转出|扣款|扣费|还款)/;
const TAIL = /尾号(?:为)?\s*(\d{4})/;

export function parseIcbcSmsText(text: string): RecognisedPayment | null {
  // The first movement in the SMS decides: "支出…元,余额…" is spending even if a later clause says 收入.
  if (OUTGOING.test(text)) return null;
  const found = firstAmount(text, RECEIVED);
  if (!found || found.amount === null) return null;
  return { amount: found.amount, payType: 'bank', accountTail: TAIL.exec(text)?.[1] ?? null };
}

export const icbcSmsParser: NotificationParser = {
  id: 'icbc-sms',
  displayName: 'ICBC (工商银行) account-movement SMS from 95588',
  packageNames: [],
  senders: ['95588'],
  parse(message) {
    const text = messageText(message);
    // Forwarders sometimes lose the sender; the bank's signature in the text stands in for it.
    if (!SIGNED_BY_ICBC.test(text) && !(message.sender ?? '').endsWith('95588')) return null;
    return parseIcbcSmsText(text);
  },
};
