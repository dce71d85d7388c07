export { signaturesMatch } from './constant-time.js';
export { md5Hex } from './md5.js';
export {
  signValueToString,
  sortedSignContent,
  sortedMd5SignString,
  sortedMd5Sign,
  verifySortedMd5,
} from './sorted-md5.js';
export { concatMd5Sign, verifyConcatMd5 } from './concat-md5.js';
export {
  type SignField,
  PAYIN_REQUEST_FIELDS,
  PAYIN_CALLBACK_FIELDS,
  QUERY_FIELDS,
  PAYOUT_REQUEST_FIELDS,
  PAYOUT_CALLBACK_FIELDS,
  signFieldsFrom,
  orderedMd5SignString,
  orderedMd5Sign,
  verifyOrderedMd5,
} from './ordered-md5.js';
export {
  rsa2SignContent,
  rsa2Sign,
  rsa2Verify,
  generateRsaKeyPair,
  loadRsaPublicKey,
  loadRsaPrivateKey,
  normalizePublicKeyPem,
  normalizePrivateKeyPem,
} from './rsa2.js';
