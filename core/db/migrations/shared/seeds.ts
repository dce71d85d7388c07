/**
 * Seed data both dialects insert. The SQL is portable (plain inserts), so each dialect's
 * migration calls the same function instead of keeping its own copy.
 */

/** Document 004's channel table (IDs 1–15) with the monitor pay type each collects with. */
const channels: Array<[number, string, string]> = [
  [1, '微信', 'wxpay'],
  [2, '支付宝', 'alipay'],
  [3, '银行卡', 'bank'],
  [4, '支付宝红包', 'alipay'],
  [5, '云闪付', 'unionpay'],
  [6, '支付宝转银行卡', 'bank'],
  [7, '支付宝wap', 'alipay'],
  [8, '微信wap', 'wxpay'],
  [9, '支付宝跳转', 'alipay'],
  [10, '微信跳转', 'wxpay'],
  [11, '微信手机转账', 'wxpay'],
  [12, '支付宝转卡飞行模式', 'bank'],
  [13, '微信赞赏码', 'wxpay'],
  [14, '支付宝固码', 'alipay'],
  [15, '支付宝群红包', 'alipay'],
];

export const seedChannelsSql = (): string[] =>
  channels.map(([id, name, payType]) => `insert into channel (id, name, pay_type, plugin, enabled) values (${id}, '${name}', '${payType}', null, true);`);

export const unseedChannelsSql = (): string[] => ['delete from channel where id between 1 and 15;'];

/**
 * The platform's own ledger accounts: clearing (the outside world, may go negative) and
 * fees. Neither tracks its balance in-row (see LedgerAccount.trackBalance): it is the sum
 * of their entries.
 */
export const seedPlatformAccountsSql = (): string[] => [
  "insert into ledger_account (code, merchant_id, kind, balance, allow_negative, track_balance) values " +
    "('platform:clearing', null, 'platform_clearing', 0, true, false), ('platform:fees', null, 'platform_fees', 0, false, false);",
];

export const unseedPlatformAccountsSql = (): string[] => ["delete from ledger_account where code in ('platform:clearing', 'platform:fees');"];
