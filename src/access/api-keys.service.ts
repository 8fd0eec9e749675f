import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { NotFoundProblem } from '../common/http/domain.exception';
import { isIsoInstant } from '../common/pagination/keyset-cursor';
import { Page, PageQuery, paginate } from '../common/pagination/pagination';
import { AppConfig } from '../config/app-config';
import { ApiKey } from './entities/api-key.entity';
import { ApiKeyCache } from './api-key-cache';
import { generateSecret, hashSecret } from './api-key-secret';
import { ApiKeyView, CreatedApiKeyView } from './dto/create-api-key.dto';
import { Principal, parseRole } from './role';
import { Clock } from '../common/clock/clock';

@Injectable()
export class ApiKeysService {
  private readonly cache: ApiKeyCache;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.cache = new ApiKeyCache(config.API_KEY_CACHE_TTL_MS);
  }

  async create(name: string, role: string): Promise<CreatedApiKeyView> {
    const secret = generateSecret();
    const key = await this.keys.save(this.keys.create({ name, role, secretPrefix: secret.slice(0, 8), secretHash: hashSecret(secret) }));
    return { ...toView(key), secret };
  }

  /**
   * Registers the bootstrap admin key (a no-op when it exists) and revokes any earlier bootstrap
   * key, in one transaction: after ADMIN_API_KEY is rotated, the old value no longer opens the API.
   * A revoked key stays revoked, even if ADMIN_API_KEY is set back to it.
   */
  async ensureBootstrap(name: string, secret: string): Promise<void> {
    const hash = hashSecret(secret);
    await this.keys.manager.transaction(async (em) => {
      await em.query(
        `INSERT INTO api_keys (name, role, secret_prefix, secret_hash, bootstrap) VALUES ($1, 'admin', $2, $3, true)
         ON CONFLICT DO NOTHING`,
        [name, secret.slice(0, 8), hash],
      );
      await em.query(`UPDATE api_keys SET revoked_at = now() WHERE bootstrap AND revoked_at IS NULL AND secret_hash <> $1`, [hash]);
    });
  }

  async list(query: PageQuery): Promise<Page<ApiKeyView>> {
    const qb = this.keys.createQueryBuilder('k');
    const page = await paginate(qb, query, { column: 'k.createdAt', key: (k) => k.createdAt.toISOString(), isSortValue: isIsoInstant });
    return { ...page, data: page.data.map(toView) };
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const key = await this.keys.findOneBy({ id });
    if (!key) throw new NotFoundProblem('API key', id);
    if (!key.revokedAt) {
      key.revokedAt = this.clock.now();
      await this.keys.update({ id, revokedAt: IsNull() }, { revokedAt: key.revokedAt });
    }
    this.cache.forgetKey(id);
    return toView(key);
  }

  /**
   * Runs on every request: served from this process's cache when the key was looked up less than
   * API_KEY_CACHE_TTL_MS ago, otherwise one statement on the unique hash index.
   */
  async authenticate(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const lookedUpAt = this.cache.now();
    const [key]: { id: string; name: string; role: string }[] = await this.keys.query(
      `SELECT id, name, role FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL`,
      [hash],
    );
    const parsed = key && parseRole(key.role);
    if (!key || !parsed) return null;
    const principal = { keyId: key.id, keyName: key.name, role: key.role, ...parsed };
    this.cache.set(hash, principal, lookedUpAt);
    return principal;
  }
}

function toView(k: ApiKey): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    secretPrefix: k.secretPrefix,
    createdAt: k.createdAt.toISOString(),
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
  };
}
