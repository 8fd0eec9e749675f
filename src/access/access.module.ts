import { Global, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ApiKey } from './entities/api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeyGuard } from './api-key.guard';
import { WhoamiController } from './whoami.controller';
import { PartnerScope } from './partner-scope.service';

/** Global: every capability's controllers confine scoped keys through PartnerScope. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey])],
  providers: [ApiKeysService, PartnerScope, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  controllers: [ApiKeysController, WhoamiController],
  exports: [ApiKeysService, PartnerScope],
})
export class AccessModule implements OnApplicationBootstrap {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.ADMIN_API_KEY) await this.keys.ensureBootstrap('bootstrap-admin', this.config.ADMIN_API_KEY);
  }
}
