import type { Fen } from '../money/fen.js';

/**
 * The notification parser port (DESIGN.md, "Plugin ports"): a monitor forwards an app
 * notification or an SMS; a parser that knows the sender recognises a received payment in
 * it. Parsers are pure: text in, payment (or nothing) out; core stores and matches.
 */

/** One forwarded notification or SMS, as core hands it to parsers. */
export interface ForwardedMessage {
  /** SMS sender number (`95588`, `1069…`) or, for app notifications, often the package name. */
  sender: string | null;
  /** Notifying app (`com.eg.android.AlipayGphone`); null for SMS. */
  packageName: string | null;
  appName: string | null;
  title: string | null;
  /** The notification or SMS text. */
  text: string;
  receiveTime: string | null;
}

/** A payment a parser recognised. */
export interface RecognisedPayment {
  amount: Fen;
  /** `alipay`, `wxpay`, `qqpay`, `bank`, `unionpay`. */
  payType: string;
  /** Payer as the text names them, if it does. */
  payer?: string | null;
  /** Last digits of the receiving card (bank SMS), if the text gives them. */
  accountTail?: string | null;
  /** The upstream's id of the payment, if the text carries one. */
  upstreamOrderId?: string | null;
}

export interface NotificationParser {
  /** Registry name, e.g. `alipay`, `wechat`, `icbc-sms`. */
  readonly id: string;
  readonly displayName: string;
  /** App package names whose notifications it reads. */
  readonly packageNames: readonly string[];
  /** SMS senders it reads (service numbers without `+86`). */
  readonly senders: readonly string[];
  /** The payment in `message`, or null when the message is not a received payment. Never throws. */
  parse(message: ForwardedMessage): RecognisedPayment | null;
}

/** `+86 95588`, `1069 95588` → `95588`-comparable digits; senders are compared without the country code. */
export function normaliseSender(sender: string): string {
  return sender.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
}

/**
 * Parsers that claim `message`: by package name first, then by SMS sender. A message that
 * names neither (or names one no parser knows) is only stored.
 */
export function parsersFor(parsers: readonly NotificationParser[], message: ForwardedMessage): NotificationParser[] {
  const pkg = message.packageName?.trim() || null;
  const sender = message.sender ? normaliseSender(message.sender) : null;
  return parsers.filter(
    (p) =>
      (pkg !== null && p.packageNames.includes(pkg)) ||
      (sender !== null && (p.packageNames.includes(sender) || p.senders.some((s) => sender === s || sender.endsWith(s)))),
  );
}
