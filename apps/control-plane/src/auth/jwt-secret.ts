import { randomBytes } from 'node:crypto';
import type { AppConfig } from '@callplane/core';
import type { Logger } from '@callplane/core';

/**
 * The HS256 secret: `JWT_SECRET`, or — outside production only (loadConfig already refuses
 * production without it) — a random one generated at boot, with a warning that tokens will not
 * survive a restart and are not shared between instances.
 */
export function resolveJwtSecret(config: Pick<AppConfig, 'JWT_SECRET' | 'NODE_ENV'>, log: Logger): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  log.warn({ env: config.NODE_ENV }, 'JWT_SECRET is not set: using a random secret for this process; tokens become invalid on restart. Set JWT_SECRET (≥ 32 chars).');
  return randomBytes(32).toString('hex');
}
