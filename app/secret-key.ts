import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../core/config.js';

export const GENERATED_KEY_FILE = './data/secret.key';

/**
 * The key that seals secrets at rest. Production must pass SECRET_KEY (config refuses to
 * start otherwise); the embedded default generates one into ./data/secret.key (mode 0600)
 * so `npm start` works with zero configuration and restarts can still open old secrets.
 */
export function resolveSecretKey(config: Config, file = GENERATED_KEY_FILE): string {
  if (config.SECRET_KEY) return config.SECRET_KEY;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const hex = randomBytes(32).toString('hex');
  writeFileSync(file, `${hex}\n`, { mode: 0o600 });
  return hex;
}
