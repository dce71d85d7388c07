import { registerEnumType } from 'type-graphql';
import { CallbackStatus, PaymentReportSource, PaymentReportStatus, PayInStatus, PayoutStatus } from '../../core/entities/index.js';

/** GraphQL enums of the orders subgraph: SCREAMING_CASE names over core's stored values. */
export const PayInStatusEnum = {
  PENDING: PayInStatus.Pending,
  PAID: PayInStatus.Paid,
  EXPIRED: PayInStatus.Expired,
  FAILED: PayInStatus.Failed,
} as const;
registerEnumType(PayInStatusEnum, {
  name: 'PayInStatus',
  description: 'As a reader should see it now: a pending pay-in whose time ran out is EXPIRED even before the expiry sweep.',
});

export const PayoutStatusEnum = {
  PENDING: PayoutStatus.Pending,
  COMPLETED: PayoutStatus.Completed,
  FAILED: PayoutStatus.Failed,
} as const;
registerEnumType(PayoutStatusEnum, { name: 'PayoutStatus' });

export const CallbackStatusEnum = {
  PENDING: CallbackStatus.Pending,
  DELIVERED: CallbackStatus.Delivered,
  GIVEN_UP: CallbackStatus.GivenUp,
} as const;
registerEnumType(CallbackStatusEnum, {
  name: 'CallbackStatus',
  valuesConfig: {
    PENDING: { description: 'Not acknowledged yet; more attempts are scheduled' },
    DELIVERED: { description: 'The receiver acknowledged it' },
    GIVEN_UP: { description: 'Every attempt of its retry schedule failed' },
  },
});

export const CallbackAttemptStatusEnum = { SUCCEEDED: 'succeeded', FAILED: 'failed' } as const;
export type CallbackAttemptStatus = (typeof CallbackAttemptStatusEnum)[keyof typeof CallbackAttemptStatusEnum];
registerEnumType(CallbackAttemptStatusEnum, {
  name: 'CallbackAttemptStatus',
  valuesConfig: { SUCCEEDED: { description: "The reply was the profile's acknowledgement" } },
});

export const PaymentReportStatusEnum = {
  MATCHED: PaymentReportStatus.Matched,
  UNMATCHED: PaymentReportStatus.Unmatched,
  ATTACHED: PaymentReportStatus.Attached,
} as const;
registerEnumType(PaymentReportStatusEnum, {
  name: 'PaymentReportStatus',
  valuesConfig: {
    MATCHED: { description: 'Paid the order it identified' },
    UNMATCHED: { description: 'Matched no order; waiting for review' },
    ATTACHED: { description: 'Was unmatched, then attached to an order by a reviewer' },
  },
});

export const PaymentReportSourceEnum = {
  PC: PaymentReportSource.Pc,
  NOTIFICATION: PaymentReportSource.Notification,
  THIRD_ACCOUNT: PaymentReportSource.ThirdAccount,
} as const;
registerEnumType(PaymentReportSourceEnum, {
  name: 'PaymentReportSource',
  valuesConfig: {
    PC: { description: '`/api/report/{pid}/pc`' },
    NOTIFICATION: { description: 'A notification of `/api/report/{pid}` a parser recognised' },
    THIRD_ACCOUNT: { description: '`/api/report/third-account`' },
  },
});
