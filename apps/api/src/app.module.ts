import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from './core/config/config';
import { CoreModule } from './core/core.module';
import { NetworkModule } from './modules/network/network.module';
import { ServicesModule } from './modules/services/services.module';
import { AccessModule } from './modules/access/access.module';
import { BulkModule } from './modules/bulk/bulk.module';
import { SharesModule } from './modules/shares/shares.module';
import { StorageModule } from './modules/storage/storage.module';
import { SystemModule } from './modules/system/system.module';
import { UsersModule } from './modules/users/users.module';

/** The whole API. Feature modules are added to `imports` as they land. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), SystemModule, ServicesModule, UsersModule, NetworkModule, StorageModule, SharesModule, AccessModule, BulkModule],
    };
  }
}
