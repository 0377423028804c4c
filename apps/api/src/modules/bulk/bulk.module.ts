import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServicesModule } from '../services/services.module';
import { NfsShareEntity } from '../shares/entities/nfs-share.entity';
import { SmbShareEntity } from '../shares/entities/smb-share.entity';
import { SharesModule } from '../shares/shares.module';
import { SystemModule } from '../system/system.module';
import { UsersModule } from '../users/users.module';
import { BulkController } from './bulk.controller';
import { BulkService } from './bulk.service';

/**
 * Bulk provisioning (docs/bulk.md): many users, groups and shares in one validated request, made
 * as one apply-engine change. Accounts come from the users module (AccountBatches), shares from
 * the shares module's protocol services; this module only orders them.
 */
@Module({
  imports: [SystemModule, ServicesModule, UsersModule, SharesModule, TypeOrmModule.forFeature([SmbShareEntity, NfsShareEntity])],
  controllers: [BulkController],
  providers: [BulkService],
})
export class BulkModule {}
