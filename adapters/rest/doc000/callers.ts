import type { Core } from '../../../core/core.js';
import { CredentialKind, MerchantStatus, type ThirdPartyAccount } from '../../../core/entities/index.js';
import type { SigningMerchant } from '../../../core/services/credentials.js';
import type { ReplayGuard } from '../../../core/services/report-replays.js';
import { Doc000Error } from './envelope.js';
import type { RawParams } from './params.js';
import { verifyMd5Sign, verifySmsForwarderSign, type VerifiedSign } from './signature.js';

const PID = /^\d{1,16}$/;

function badSign(): Doc000Error {
  return new Doc000Error(401, '签名错误');
}

function guardOf(caller: string, verified: VerifiedSign, timestamp: Date): ReplayGuard {
  return { caller, signature: verified.normalised, timestamp };
}

/**
 * The merchant of `/api/report/{pid}…` and the replay guard of its request: unknown or
 * disabled pid → 404, a sign that fails the MD5 rule (and, where allowed, SmsForwarder's
 * HMAC rule) with the merchant's report key → 401.
 */
export async function authenticateMerchant(
  core: Core,
  pid: string,
  params: RawParams,
  timestamp: Date,
  options: { allowSmsForwarder: boolean } = { allowSmsForwarder: false },
): Promise<{ merchant: SigningMerchant; guard: ReplayGuard; rule: VerifiedSign['rule'] }> {
  const opened = PID.test(pid) ? await core.credentials.openSigningKey(core.em(), CredentialKind.ReportKey, pid) : null;
  if (!opened || opened.merchant.status !== MerchantStatus.Active) throw new Doc000Error(404, '商户不存在');
  const verified = verifyMd5Sign(params, opened.secret) ?? (options.allowSmsForwarder ? verifySmsForwarderSign(params, opened.secret) : null);
  if (!verified) throw badSign();
  return { merchant: opened.merchant, guard: guardOf(`merchant:${opened.merchant.id}`, verified, timestamp), rule: verified.rule };
}

/** The third-party account a request names by (account, type), verified with its own key. */
export async function authenticateThirdParty(
  core: Core,
  account: string,
  type: number,
  params: RawParams,
  timestamp: Date,
): Promise<{ account: ThirdPartyAccount; guard: ReplayGuard }> {
  const opened = await core.thirdPartyAccounts.open(core.em(), account, type);
  if (!opened || opened.account.merchant.status !== MerchantStatus.Active) throw new Doc000Error(404, '账号不存在');
  const verified = verifyMd5Sign(params, opened.key);
  if (!verified) throw badSign();
  return { account: opened.account, guard: guardOf(`third:${opened.account.id}`, verified, timestamp) };
}
