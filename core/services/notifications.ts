import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { Merchant, MonitorNotification, PaymentReport, PaymentReportSource } from '../entities/index.js';
import { parsersFor, type ForwardedMessage, type NotificationParser, type RecognisedPayment } from '../ports/index.js';
import { CoreError, isUniqueViolation } from './errors.js';
import type { ReportMatchingService, ReportOutcome } from './report-matching.js';

/** A notification as `/api/report/{pid}` received it. */
export interface IncomingNotification {
  merchantId: number;
  /** The request's `from`. */
  source: string;
  /** `document`: `content` is the document's SmsForwarderItem JSON; `smsforwarder`: the app's stock webhook. */
  format: 'document' | 'smsforwarder';
  /** `content` exactly as received. */
  content: string;
  message: ForwardedMessage;
  deviceName: string | null;
  now?: Date;
}

export interface NotificationOutcome {
  notification: MonitorNotification;
  /** Parser that recognised a payment, if any. */
  parser: string | null;
  payment: RecognisedPayment | null;
  /** What matching made of the payment, if one was recognised. */
  report: ReportOutcome | null;
}

/**
 * Forwarded notifications and SMS: stored as received, handed to the parsers that claim
 * the sender, and a recognised payment goes through the same matching as `/pc`. A resent
 * notification (same sender, text and receive time) is refused by a unique fingerprint.
 */
export class NotificationService {
  constructor(
    private readonly parsers: readonly NotificationParser[],
    private readonly matching: ReportMatchingService,
  ) {}

  /** The registered parsers (for documentation and admin screens). */
  list(): readonly NotificationParser[] {
    return this.parsers;
  }

  /** The first parser that claims `message` and recognises a payment in it. */
  recognise(message: ForwardedMessage): { parser: NotificationParser; payment: RecognisedPayment } | null {
    for (const parser of parsersFor(this.parsers, message)) {
      let payment: RecognisedPayment | null = null;
      try {
        payment = parser.parse(message);
      } catch {
        payment = null; // a parser bug must not lose the notification; it is stored unparsed
      }
      if (payment) return { parser, payment };
    }
    return null;
  }

  /** Stores, parses and (when a payment is recognised) matches one notification, in one transaction. */
  async receive(em: EntityManager, input: IncomingNotification): Promise<NotificationOutcome> {
    const now = input.now ?? new Date();
    const m = input.message;
    if (m.text.length > 10_000 || input.content.length > 20_000) throw new CoreError('invalid_input', 'content is too long', { field: 'content' });
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([input.merchantId, m.sender ?? '', m.packageName ?? '', m.title ?? '', m.text, m.receiveTime ?? '']))
      .digest('hex');
    const recognised = this.recognise(m);
    return em.transactional(async (tx) => {
      if ((await tx.count(MonitorNotification, { fingerprint })) > 0) throw new CoreError('duplicate', 'this notification was already reported');
      const notification = tx.create(MonitorNotification, {
        merchant: tx.getReference(Merchant, input.merchantId),
        source: clip(input.source, 128)!,
        format: input.format,
        sender: clip(m.sender, 128),
        packageName: clip(m.packageName, 128),
        appName: clip(m.appName, 128),
        title: m.title,
        message: m.text,
        receiveTime: clip(m.receiveTime, 64),
        deviceName: clip(input.deviceName, 128),
        content: input.content,
        fingerprint,
        parser: recognised?.parser.id ?? null,
        parsed: recognised ? { ...recognised.payment } : null,
        receivedAt: now,
      });
      try {
        await tx.flush();
      } catch (e) {
        if (isUniqueViolation(e)) throw new CoreError('duplicate', 'this notification was already reported');
        throw e;
      }
      if (!recognised) return { notification, parser: null, payment: null, report: null };
      const { payment } = recognised;
      const report = await this.matching.report(tx, {
        merchantId: input.merchantId,
        source: PaymentReportSource.Notification,
        amount: payment.amount,
        payType: payment.payType,
        accountTail: payment.accountTail ?? null,
        upstreamOrderId: payment.upstreamOrderId ?? null,
        identity: { notification: fingerprint },
        fields: { notification: notification.id, parser: recognised.parser.id, ...payment },
        now,
      });
      notification.paymentReport = tx.getReference(PaymentReport, report.report.id);
      await tx.flush();
      return { notification, parser: recognised.parser.id, payment, report };
    });
  }
}

function clip(value: string | null | undefined, max: number): string | null {
  if (value == null || value === '') return null;
  return value.length > max ? value.slice(0, max) : value;
}
