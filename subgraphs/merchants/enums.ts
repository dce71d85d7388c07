import { registerEnumType } from 'type-graphql';
import { CredentialKind, MerchantStatus } from '../../core/entities/index.js';

/** GraphQL enums of the merchants subgraph: SCREAMING_CASE names over core's stored values. */
export const MerchantStatusEnum = {
  ACTIVE: MerchantStatus.Active,
  DISABLED: MerchantStatus.Disabled,
} as const;
registerEnumType(MerchantStatusEnum, { name: 'MerchantStatus' });

export const CredentialKindEnum = {
  REPORT_KEY: CredentialKind.ReportKey,
  APP_KEY: CredentialKind.AppKey,
  API_KEY: CredentialKind.ApiKey,
  DASHBOARD_TOKEN: CredentialKind.DashboardToken,
} as const;
registerEnumType(CredentialKindEnum, {
  name: 'CredentialKind',
  description: 'Which dialect a credential authenticates.',
  valuesConfig: {
    REPORT_KEY: { description: 'Document 000 monitor reports: pid + MD5 key' },
    APP_KEY: { description: 'Document 004 pay-in/payout gateway: appKey + secret' },
    API_KEY: { description: 'Document 001: X-Api-Key' },
    DASHBOARD_TOKEN: { description: 'Bearer token of the merchant dashboard (this API)' },
  },
});

/** The two ledger accounts every merchant has. */
export const LedgerAccountSideEnum = {
  AVAILABLE: 'available',
  RESERVED: 'reserved',
} as const;
export type LedgerAccountSide = (typeof LedgerAccountSideEnum)[keyof typeof LedgerAccountSideEnum];
registerEnumType(LedgerAccountSideEnum, {
  name: 'LedgerAccountSide',
  valuesConfig: {
    AVAILABLE: { description: 'Money the merchant can pay out' },
    RESERVED: { description: 'Money held for payouts in flight' },
  },
});

export const ViewerRoleEnum = { ADMIN: 'admin', MERCHANT: 'merchant' } as const;
registerEnumType(ViewerRoleEnum, { name: 'ViewerRole' });
