import { describe, expect, it } from 'vitest';
import type { ForwardedMessage } from '../../../core/ports/index.js';
import { alipayParser } from './alipay-parser.js';

const PKG = 'com.eg.android.AlipayGphone';

function note(text: string, title: string | null = '支付宝通知'): ForwardedMessage {
  return { sender: PKG, packageName: PKG, appName: '支付宝', title, text, receiveTime: '2024-01-01 12:00:00' };
}

describe('alipay parser', () => {
  it.each([
    ['你已成功收款0.01元', 1],
    ['支付宝成功收款1.00元。享免费提现等更多专属服务，点击查看', 100],
    ['店员通：成功收款9.99元', 999],
    ['你已成功收款12元(老顾客消费)', 1200],
    ['张*三通过扫码向你付款100.00元', 10000],
    ['收款到账 ￥88.50', 8850],
    ['成功收款1,234.56元', 123456],
    ['你已成功收款１００．５元', 10050],
    ['收到一笔转账 66.60元', 6660],
    ['你已成功收款5.00元。如遇退款纠纷，请联系客服', 500],
  ])('recognises "%s"', (text, fen) => {
    const payment = alipayParser.parse(note(text));
    expect(payment).toMatchObject({ amount: fen, payType: 'alipay' });
  });

  it('reads the amount from the title when the text has none', () => {
    expect(alipayParser.parse(note('点击查看详情', '你已成功收款20.00元'))).toMatchObject({ amount: 2000 });
  });

  it('names the payer when the text does', () => {
    expect(alipayParser.parse(note('张*三通过扫码向你付款100.00元'))?.payer).toBe('张*三');
  });

  it.each([
    '你有一笔10.00元的支出',
    '付款成功 ¥20.00 商家:便利店',
    '退款成功，15.00元已退回余额',
    '余额宝收益0.52元已到账',
    '你向李四转账100.00元',
    '你的花呗账单已出，本期应还120.00元',
    '退款到账15.00元，已退回余额',
    '你已成功收款1.234元',
    '你已成功收款0.00元',
    '新版本上线啦',
  ])('ignores "%s"', (text) => {
    expect(alipayParser.parse(note(text))).toBeNull();
  });
});
