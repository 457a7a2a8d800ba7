import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { NotFoundError, UnauthenticatedError } from '@callplane/core';
import type { ApiKeyView, CreatedApiKeyView, Principal, Role } from '@callplane/contracts';
import { ApiKeyEntity } from '@callplane/persistence';

/** Every key starts with this, so leaked keys are easy to grep for. */
export const API_KEY_PREFIX = 'cp_';
/** Characters of the key kept as `prefix` for listings (`cp_` + 7). */
const SHOWN_PREFIX_LENGTH = 10;
/** `lastUsedAt` is written at most this often per key, ms (a busy integration must not write on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/** SHA-256 of a key, lower-case hex: what is stored and looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function toView(k: ApiKeyEntity): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API keys for integrations: `cp_` + 32 random bytes (base64url). Only the SHA-256 is stored, so
 * a key is shown once, at creation. A key acts with the role it was created with.
 */
@Injectable()
export class ApiKeysService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  async create(name: string, role: Role): Promise<CreatedApiKeyView> {
    const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const saved = await this.keys.save(this.keys.create({ name, role, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), keyHash: hashApiKey(key), lastUsedAt: null, revokedAt: null }));
    return { ...toView(saved), key };
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.find({ order: { createdAt: 'DESC' } })).map(toView);
  }

  /** Revokes the key (idempotent; the row stays for the audit trail). @throws NotFoundError */
  async revoke(id: string): Promise<ApiKeyView> {
    const key = await this.keys.findOne({ where: { id } });
    if (!key) throw new NotFoundError('API key', id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await this.keys.update({ id }, { revokedAt: key.revokedAt });
    }
    return toView(key);
  }

  /** @throws UnauthenticatedError when the key is unknown, malformed or revoked */
  async verify(key: string): Promise<Principal> {
    if (!key.startsWith(API_KEY_PREFIX)) throw new UnauthenticatedError('Invalid API key');
    const row = await this.keys.findOne({ where: { keyHash: hashApiKey(key), revokedAt: IsNull() } });
    if (!row) throw new UnauthenticatedError('Invalid or revoked API key');
    const now = Date.now();
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.update({ id: row.id }, { lastUsedAt: new Date(now) });
    }
    return { subject: `apikey:${row.id}`, role: row.role };
  }
}
