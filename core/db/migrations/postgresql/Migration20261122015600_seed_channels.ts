import { Migration } from '@mikro-orm/migrations';

/** Document 004's channel table (IDs 1–15). Data, not code: admins edit it afterwards. */
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

export class Migration20261122015600_seed_channels extends Migration {
  override async up(): Promise<void> {
    for (const [id, name, payType] of channels) {
      this.addSql(`insert into channel (id, name, pay_type, plugin, enabled) values (${id}, '${name}', '${payType}', null, true);`);
    }
  }

  override async down(): Promise<void> {
    this.addSql('delete from channel where id between 1 and 15;');
  }
}
