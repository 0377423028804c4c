import path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseService, EMBEDDED_POSTGRES } from './database.service';
import { EmbeddedPostgres } from './embedded-postgres';

/** Holds the one embedded server instance (null with DATABASE_URL), shared by TypeORM and DatabaseService. */
@Module({
  providers: [
    {
      provide: EMBEDDED_POSTGRES,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): EmbeddedPostgres | null =>
        config.database.kind === 'embedded'
          ? // The pool, the readiness probe's own connection (DatabaseService.ping) and two to spare.
            new EmbeddedPostgres(config.database.dataDir, path.join(config.dataDir, 'run'), config.database.poolSize + 3)
          : null,
    },
  ],
  exports: [EMBEDDED_POSTGRES],
})
class EmbeddedPostgresModule {}

@Global()
@Module({
  imports: [
    EmbeddedPostgresModule,
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedPostgresModule],
      inject: [APP_CONFIG, EMBEDDED_POSTGRES],
      useFactory: async (config: AppConfig, embedded: EmbeddedPostgres | null) => {
        const target =
          config.database.kind === 'postgres'
            ? ({ kind: 'postgres', url: config.database.url } as const)
            : ({ kind: 'embedded', endpoint: await embedded!.start() } as const);
        return {
          ...dataSourceOptions(target, config.database.poolSize),
          autoLoadEntities: true,
          // DatabaseService connects in the background so the process is live while the DB is down.
          manualInitialization: true,
        };
      },
    }),
  ],
  providers: [DatabaseService],
  exports: [DatabaseService],
})
export class DatabaseModule {}
