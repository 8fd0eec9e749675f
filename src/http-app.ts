import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppConfig } from './config/app-config';
import { bodyParserErrors, jsonBodyParser, requireJsonBody, requireObjectBody } from './common/http/body-parsing';
import { ProblemFilter } from './common/http/problem.filter';
import { refuseReservedKeys } from './common/http/reserved-keys';
import { buildValidationPipe } from './common/http/validation-pipe';

/** Everything an HTTP-serving process needs beyond its modules; shared by main.ts and the tests. */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.set('query parser', 'simple');
  app.use(requireJsonBody);
  app.use(jsonBodyParser(config.HTTP_BODY_LIMIT_BYTES));
  app.use(bodyParserErrors);
  app.use(requireObjectBody);
  app.use(refuseReservedKeys);
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(buildValidationPipe());
  app.enableShutdownHooks();
  setupSwagger(app);
  return app;
}

/**
 * Helmet's defaults (nosniff, frame and referrer policies, HSTS over TLS) and a CSP that Swagger UI
 * at /docs lives with: its scripts are same-origin files, and it needs inline styles and data: images.
 * No upgrade-insecure-requests: TLS ends in front of the service, and plain-HTTP deployments exist.
 */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
}

function setupSwagger(app: INestApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('Token-plan BSS')
    .setDescription(
      'Catalog, subscriptions, usage ledger, authorization, rating, settlement and partner APIs for AI token plans. ' +
        'Money is integer fen, credits are integers, errors are application/problem+json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key created with POST /v1/api-keys or the CLI' })
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
