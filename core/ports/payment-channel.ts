import type { z } from 'zod';
import type { Fen } from '../money/fen.js';

/**
 * The payment channel port (DESIGN.md, "Plugin ports"). A plugin never writes the
 * database: it returns values and core applies them in one transaction.
 */

/** What the payer is shown to pay: core renders it on the cashier page. */
export interface PayAction {
  kind: 'qr' | 'redirect' | 'html' | 'form';
  /** QR content, redirect URL, HTML, or form action URL. */
  content: string;
  /** Form fields for `form`. */
  fields?: Record<string, string>;
  /** A short line the cashier shows (e.g. "Scan with Alipay"). */
  hint?: string;
  /**
   * Dev-only: a same-origin path the cashier page may POST to (its "Simulate payment" button)
   * to make the channel's payer side pay this order. Only the sandbox sets it.
   */
  simulatePaymentPath?: string;
}

/**
 * An allocating channel (e.g. monitor: personal QR codes) cannot tell payments apart by
 * anything but account and amount, so it proposes (account, amount) pairs in order of
 * preference; core claims the first pair no other pending order holds, with a unique
 * constraint, inside the order's transaction.
 */
export interface AmountCandidate {
  collectionAccountId: number;
  payableAmount: Fen;
  /** Pay action for this account (its QR content). */
  action: PayAction;
}

export type PayActionPlan = { action: PayAction } | { candidates: AmountCandidate[] };

export interface PayInRequest {
  /** Public id of the order being created (the cashier URL's `id`); unique, chosen before planning. */
  orderPublicId: string;
  merchantId: number;
  channelId: number;
  payType: string | null;
  amount: Fen;
  expiresAt: Date;
  /** Absolute base URL of this server, for channels whose pay action points back at it. */
  baseUrl: string;
}

/** Verified upstream notification: which order, how much arrived, and what to answer upstream. */
export interface ChannelNotification {
  orderPublicId: string;
  upstreamTradeNo: string | null;
  amountReceived: Fen;
  paid: boolean;
  replyBody: string;
  replyStatus?: number;
}

export interface ChannelNotifyInput {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  body: unknown;
  rawBody?: string;
}

/** Work a plugin wants run on a schedule by the upstream-polling worker. */
export interface ScheduledTask {
  name: string;
  scope: 'system' | 'account' | 'order';
  everyMs: number;
}

/** A collection account as a channel sees it (read-only). */
export interface CollectionAccountView {
  id: number;
  merchantId: number;
  payType: string;
  channelCode: string;
  qrContent: string;
  minAmount: Fen | null;
  maxAmount: Fen | null;
  dailyCap: Fen | null;
  /** Sum paid into it today, for the daily cap. */
  receivedToday: Fen;
  online: boolean;
  enabled: boolean;
}

/** How an allocating channel may shift an amount to make it unique (config AMOUNT_STEP_*). */
export interface AmountStepPolicy {
  /** How many 1-fen steps to try besides the exact amount. */
  count: number;
  direction: 'down' | 'up' | 'both';
}

/** Read-only data core lends a plugin while it plans a pay action or verifies a notification. */
export interface ChannelContext {
  /** Enabled collection accounts of the merchant for a pay type (empty until a channel needs them). */
  collectionAccounts(merchantId: number, payType: string | null): Promise<CollectionAccountView[]>;
  /**
   * A 32-byte key of this plugin, derived from the installation's SECRET_KEY: the same in
   * every process, different per plugin. Lets a plugin sign what it hands out (a pay URL)
   * and verify it when it comes back, without a setting of its own.
   */
  signingKey: Buffer;
  amountSteps: AmountStepPolicy;
  now: Date;
}

export interface PaymentChannelPlugin<Options = unknown> {
  /** Registry name, e.g. `sandbox`, `monitor`. */
  readonly id: string;
  readonly displayName: string;
  /** Validates a collection account's options; also drives admin forms. */
  readonly optionsSchema?: z.ZodType<Options>;
  planPayAction(request: PayInRequest, context: ChannelContext): Promise<PayActionPlan>;
  /**
   * Verifies an upstream notification (reaching `/channels/{id}/notify`). Throws on a bad
   * signature; never writes. Core settles the order it names when `paid`, in one transaction.
   */
  notify?(input: ChannelNotifyInput, context: ChannelContext): Promise<ChannelNotification>;
  /** Notification/SMS text → amount + pay type. */
  parseMessage?(text: string): { amount: Fen; payType: string } | null;
  readonly scheduledTasks?: ScheduledTask[];
  readonly supportsPayout?: boolean;
}
