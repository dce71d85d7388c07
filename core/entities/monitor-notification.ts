import { Entity, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';
import { PaymentReport } from './payment-report.js';

/**
 * A notification or SMS a monitor forwarded to `/api/report/{pid}`, stored as received,
 * with what the parser made of it. `fingerprint` (sender, text, receive time) is unique so
 * a resent notification is recognised.
 */
@Entity({ tableName: 'monitor_notification' })
export class MonitorNotification {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  /** The request's `from` (e.g. `sms`, or a sender under the SmsForwarder shape). */
  @Property({ type: 'string', length: 128 })
  source!: string;

  /** `document` (content is a SmsForwarderItem JSON) or `smsforwarder` (the app's stock webhook). */
  @Property({ type: 'string', length: 16 })
  format!: string;

  /** SMS sender number or notifying app. */
  @Property({ type: 'string', length: 128, nullable: true })
  sender?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  packageName?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  appName?: string | null;

  @Property({ type: 'text', nullable: true })
  title?: string | null;

  @Property({ type: 'text' })
  message!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  receiveTime?: string | null;

  @Property({ type: 'string', length: 128, nullable: true })
  deviceName?: string | null;

  /** The `content` parameter exactly as received. */
  @Property({ type: 'text' })
  content!: string;

  @Property({ type: 'string', length: 64, unique: true })
  fingerprint!: string;

  /** Parser that recognised a payment in it, if one did. */
  @Property({ type: 'string', length: 32, nullable: true })
  parser?: string | null;

  @Property({ type: 'json', nullable: true })
  parsed?: Record<string, unknown> | null;

  @ManyToOne(() => PaymentReport, { nullable: true })
  paymentReport?: PaymentReport | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  receivedAt: Opt<Date> = new Date();
}
