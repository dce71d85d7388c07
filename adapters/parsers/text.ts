import { MoneyFormatError, parseYuanToFen, type Fen } from '../../core/money/fen.js';
import type { ForwardedMessage } from '../../core/ports/index.js';

/**
 * Text helpers shared by the notification parsers. Phones render amounts with full-width
 * digits and punctuation (`１００．００`, `￥`, `（转账）`), thousands separators and stray
 * spaces; parsers work on the NFKC form so one pattern covers every spelling.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u00a0\u3000]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Title and text of a message as one normalised line (apps put the amount in either). */
export function messageText(message: ForwardedMessage): string {
  return normaliseText([message.title ?? '', message.text].filter(Boolean).join(' '));
}

/** A yuan amount as a notification prints it (`1,234.5`) → fen; null when it is not exact to the fen. */
export function yuanTextToFen(text: string): Fen | null {
  const plain = text.replace(/[,\s]/g, '');
  if (!/^\d+(?:\.\d+)?$/.test(plain)) return null;
  try {
    const fen = parseYuanToFen(plain);
    return fen > 0 ? fen : null;
  } catch (e) {
    if (e instanceof MoneyFormatError) return null;
    throw e;
  }
}

/** Amount digits as they appear in texts: `12`, `12.5`, `1,234.56`. */
export const AMOUNT = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)`;

/**
 * The amount of the first pattern that matches, and the sentence it sits in up to the
 * amount (from the previous `。!?;`), which is where words such as 退款 or 支付成功 turn a
 * "received" phrase into something else. Later sentences (adverts, balances) do not count.
 */
export function firstAmount(text: string, patterns: readonly RegExp[]): { amount: Fen | null; sentence: string } | null {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (!match?.[1]) continue;
    const end = match.index + match[0].length;
    const start = Math.max(...['。', '!', '?', ';'].map((d) => text.lastIndexOf(d, match.index) + 1));
    return { amount: yuanTextToFen(match[1]), sentence: text.slice(start, end) };
  }
  return null;
}
