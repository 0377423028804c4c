import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CacheModule } from './cache/cache.module';
import { APP_CONFIG, type AppConfig } from './config/config';
import { DatabaseModule } from './database/database.module';
import { AllExceptionsFilter } from './errors/exception.filter';
import { HealthController } from './health/health.controller';
import { HostModule } from './host/host.module';
import { HealthService } from './health/health.service';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { OpenApiController } from './openapi/openapi.controller';

/** Config, database, cache, errors, health, metrics and the OpenAPI document (validation: `@Route`). */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    const configProvider = { provide: APP_CONFIG, useValue: config };
    return {
      module: CoreModule,
      imports: [
        { module: ConfigHolderModule, providers: [configProvider], exports: [configProvider], global: true },
        CacheModule,
        DatabaseModule,
        HostModule,
      ],
      controllers: [HealthController, MetricsController, OpenApiController],
      providers: [
        HealthService,
        MetricsService,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [HealthService, MetricsService],
    };
  }
}

@Module({})
class ConfigHolderModule {}
