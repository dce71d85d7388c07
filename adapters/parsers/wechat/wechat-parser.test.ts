import { describe, expect, it } from 'vitest';
import type { ForwardedMessage } from '../../../core/ports/index.js';
import { wechatParser } from './wechat-parser.js';

function note(text: string, title: string | null = '微信支付'): ForwardedMessage {
  return { sender: 'com.tencent.mm', packageName: 'com.tencent.mm', appName: '微信', title, text, receiveTime: '2024-01-01 12:00:00' };
}

describe('wechat parser', () => {
  it.each([
    ['微信支付收款0.01元', 1],
    ['微信支付收款100.00元(朋友到店)', 10000],
    ['[3条]微信支付: 微信支付收款0.10元(新顾客第1次付款)', 10],
    ['[店员消息]收款到账1.00元', 100],
    ['个人收款码到账¥88.00', 8800],
    ['二维码赞赏到账5元', 500],
    ['收款到账通知 收款金额￥1,200.00 收款方式 个人收款码', 120000],
    ['微信支付收款１２．３４元', 1234],
  ])('recognises "%s"', (text, fen) => {
    expect(wechatParser.parse(note(text))).toEqual({ amount: fen, payType: 'wxpay' });
  });

  it('reads a title-only notification', () => {
    expect(wechatParser.parse(note('', '微信支付收款2.50元'))).toEqual({ amount: 250, payType: 'wxpay' });
  });

  it.each([
    '微信支付凭证 支付成功 ¥20.00',
    '退款到账 ¥15.00 已退回零钱',
    '零钱提现 ¥100.00 预计2小时内到账',
    '[转账]请你确认收款 ¥50.00',
    '微信支付收款0.005元',
    '你有一条新消息',
  ])('ignores "%s"', (text) => {
    expect(wechatParser.parse(note(text))).toBeNull();
  });
});
