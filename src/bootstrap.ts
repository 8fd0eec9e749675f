import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig } from './config/app-config';
import { configureHttpApp } from './http-app';

/** Builds the process for its role: an HTTP app (api, all) or a worker without an HTTP server. */
export async function createProcess(config: AppConfig): Promise<INestApplicationContext> {
  const module = AppModule.forRole(config.APP_ROLE, config);
  if (config.APP_ROLE === 'worker') {
    const ctx = await NestFactory.createApplicationContext(module, { bufferLogs: true });
    ctx.useLogger(ctx.get(Logger));
    ctx.enableShutdownHooks();
    return ctx;
  }
  const app = await NestFactory.create<NestExpressApplication>(module, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpApp(app, config);
  return app;
}
