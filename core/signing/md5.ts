import { createHash } from 'node:crypto';

/** MD5 of the UTF-8 bytes of `text`, lowercase hex (32 chars) — what every MD5 rule in the documents expects. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
