import { Module } from '@nestjs/common';
import { ProviderStatementsController } from './provider-statements.controller';
import { ProviderStatementsService } from './provider-statements.service';

@Module({ providers: [ProviderStatementsService], controllers: [ProviderStatementsController] })
export class StatementsModule {}
