import { describe, expect, it } from 'vitest';
import type { ForwardedMessage } from '../../../core/ports/index.js';
import { parsersFor } from '../../../core/ports/index.js';
import { notificationParsers } from '../index.js';
import { icbcSmsParser } from './icbc-sms-parser.js';

function sms(text: string, sender = '95588'): ForwardedMessage {
  return { sender, packageName: null, appName: null, title: null, text, receiveTime: '2024-11-22 10:15:03' };
}

describe('ICBC SMS parser', () => {
  it.each([
    ['您尾号1234卡11月22日10:15支付宝转入(张三支付宝转账)100.00元,余额5,230.50元。【工商银行】', 10000, '1234'],
    ['您尾号1234卡11月22日10:15工商银行收入(他行汇入)2,000元,余额12,000.00元。【工商银行】', 200000, '1234'],
    ['您尾号为5678的卡于11月22日14:30收入(转账)人民币88.88元，余额1,088.88元。【工商银行】', 8888, '5678'],
    ['【工商银行】您尾号0021卡11月22日09:01快捷支付收入（微信零钱提现）５０．００元，余额３００．００元。', 5000, '0021'],
    ['您尾号9988卡11月22日20:01网上银行收入(跨行汇款)12345.6元,余额20000元。【工商银行】', 1234560, '9988'],
  ])('recognises "%s"', (text, fen, tail) => {
    expect(icbcSmsParser.parse(sms(text))).toEqual({ amount: fen, payType: 'bank', accountTail: tail });
  });

  it.each([
    '您尾号1234卡11月22日10:15消费(财付通-美团)20.00元,余额5,210.50元。【工商银行】',
    '您尾号1234卡11月22日11:00支出(ATM取款)500.00元,余额4,710.50元。【工商银行】',
    '您尾号1234卡11月22日12:00转出(手机银行)300元,余额4,410.50元。【工商银行】',
    '【工商银行】您的验证码为123456，5分钟内有效。',
  ])('ignores "%s"', (text) => {
    expect(icbcSmsParser.parse(sms(text))).toBeNull();
  });

  it('is chosen by sender (with country code or a 1069 gateway prefix) and not for other banks', () => {
    const text = '您尾号1234卡11月22日10:15支付宝转入(张三)1.00元,余额1.00元。【工商银行】';
    expect(parsersFor(notificationParsers, sms(text, '+8695588')).map((p) => p.id)).toEqual(['icbc-sms']);
    expect(parsersFor(notificationParsers, sms(text, '106980095588')).map((p) => p.id)).toEqual(['icbc-sms']);
    expect(parsersFor(notificationParsers, sms(text, '95555'))).toEqual([]);
    expect(icbcSmsParser.parse(sms('您账户1234于11月22日收入1.00元。【某银行】', '95555'))).toBeNull();
  });

  it('lets app notifications choose their parser by package name', () => {
    const alipay: ForwardedMessage = { sender: null, packageName: 'com.eg.android.AlipayGphone', appName: null, title: null, text: 'x', receiveTime: null };
    expect(parsersFor(notificationParsers, alipay).map((p) => p.id)).toEqual(['alipay']);
    expect(parsersFor(notificationParsers, { ...alipay, packageName: null, sender: 'com.tencent.mm' }).map((p) => p.id)).toEqual(['wechat']);
  });
});
