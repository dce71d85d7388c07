import type { Core } from '../core/core.js';
import { CredentialKind, MerchantStatus } from '../core/entities/index.js';
import { ErrorCode, requestError } from '../subgraphs/shared/errors.js';
import { ADMIN, merchantIdentity, type Identity } from '../subgraphs/shared/identity.js';
import { secretsEqual } from '../subgraphs/shared/secret.js';

/**
 * Who a GraphQL request comes from: `Authorization: Bearer <ADMIN_TOKEN>` is the admin;
 * `Bearer <dashboard token>` (issued with the merchant, rotatable) is that merchant.
 * Every operation needs one of them; anything else is UNAUTHENTICATED (HTTP 401), and a
 * disabled merchant's token is FORBIDDEN (HTTP 403).
 */
export async function authenticate(core: Core, authorization: string | undefined): Promise<Identity> {
  const match = /^Bearer[ ]+(\S{1,512})\s*$/i.exec(authorization ?? '');
  if (!match) throw requestError(ErrorCode.Unauthenticated, 'send `Authorization: Bearer <token>`', 401);
  const token = match[1]!;
  const adminToken = core.config.ADMIN_TOKEN;
  if (adminToken && secretsEqual(adminToken, token)) return ADMIN;
  // Dashboard tokens are stored as a SHA-256 lookup, so this is one indexed read.
  const credential = await core.credentials.findByBearer(core.em(), CredentialKind.DashboardToken, token);
  if (!credential) throw requestError(ErrorCode.Unauthenticated, 'unknown or revoked token', 401);
  if (credential.merchant.status !== MerchantStatus.Active) throw requestError(ErrorCode.Forbidden, 'this merchant is disabled', 403);
  return merchantIdentity(credential.merchant.id);
}
