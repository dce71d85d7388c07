import type { NotificationParser, RecognisedPayment } from '../../../core/ports/index.js';
import { AMOUNT, firstAmount, messageText } from '../text.js';

/**
 * WeChat notifications of money received on a personal collection code or appreciation
 * code: "微信支付收款0.01元(朋友到店)", "[店员消息]收款到账1.00元", "个人收款码到账¥88.00",
 * "二维码赞赏到账5.00元", "收款金额￥100.00". Payment vouchers of what the phone's owner
 * paid ("支付成功"), refunds and withdrawals give nothing.
 */
const NOT_RECEIVED = /(退款|支付成功|付款成功|支出|提现|扣费|扣款|已支付|待确认|请确认收款|请收款)/;

const RECEIVED = [
  new RegExp(String.raw`(?:微信支付收款|收款到账|收款码到账|赞赏到账|已收款|到账)\s*[¥]?\s*${AMOUNT}\s*元`),
  new RegExp(String.raw`(?:微信支付收款|收款到账|收款码到账|赞赏到账|已收款|到账)\s*:?\s*¥\s*${AMOUNT}`),
  new RegExp(String.raw`收款金额\s*:?\s*¥?\s*${AMOUNT}`),
];

export function parseWechatText(text: string): RecognisedPayment | null {
  const found = firstAmount(text, RECEIVED);
  if (!found || found.amount === null || NOT_RECEIVED.test(found.sentence)) return null;
  return { amount: found.amount, payType: 'wxpay' };
}

export const wechatParser: NotificationParser = {
  id: 'wechat',
  displayName: 'WeChat Pay notifications (收款码 / 赞赏码 / 店员消息)',
  packageNames: ['com.tencent.mm'],
  senders: [],
  parse: (message) => parseWechatText(messageText(message)),
};
