import type { NotificationParser, RecognisedPayment } from '../../../core/ports/index.js';
import { AMOUNT, firstAmount, messageText } from '../text.js';

/**
 * Alipay app notifications of money received on a personal collection code (收钱码) or by
 * transfer: "你已成功收款12.00元", "支付宝成功收款1.00元。…", "张*三通过扫码向你付款100.00元",
 * "店员通：成功收款9.99元", "收款到账 ￥88.00". Payments made, refunds, income from funds and
 * the like are not received payments and give nothing.
 */
const NOT_RECEIVED = /(退款|支出|付款成功|支付成功|你向|已付款|扣款|收益|提现|还款|花呗|借呗|余额宝|账单)/;

const RECEIVED = [
  new RegExp(String.raw`(?:成功收款|收款成功|收款到账|已收款|到账)\s*[¥]?\s*${AMOUNT}\s*元`),
  new RegExp(String.raw`向你(?:付款|转账)\s*[¥]?\s*${AMOUNT}\s*元`),
  new RegExp(String.raw`(?:成功收款|收款成功|收款到账|已收款|到账|收到一笔转账)\s*:?\s*¥\s*${AMOUNT}`),
  new RegExp(String.raw`收到(?:一笔)?(?:转账|付款)\s*[¥]?\s*${AMOUNT}\s*元`),
];

const PAYER = /([^\s,。:：]{1,20}?)通过扫码向你付款/;

export function parseAlipayText(text: string): RecognisedPayment | null {
  const found = firstAmount(text, RECEIVED);
  if (!found || found.amount === null || NOT_RECEIVED.test(found.sentence)) return null;
  return { amount: found.amount, payType: 'alipay', payer: PAYER.exec(found.sentence)?.[1] ?? null };
}

export const alipayParser: NotificationParser = {
  id: 'alipay',
  displayName: 'Alipay app notifications (收钱码 / transfers)',
  packageNames: ['com.eg.android.AlipayGphone'],
  senders: [],
  parse: (message) => parseAlipayText(messageText(message)),
};
