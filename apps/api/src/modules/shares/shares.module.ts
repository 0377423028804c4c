import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServicesModule } from '../services/services.module';
import { PoolEntity } from '../storage/entities/pool.entity';
import { StorageModule } from '../storage/storage.module';
import { SystemModule } from '../system/system.module';
import { GroupEntity, UserGroupEntity } from '../users/entities/group.entity';
import { UserEntity } from '../users/entities/user.entity';
import { UsersModule } from '../users/users.module';
import { FtpShareEntity } from './entities/ftp-share.entity';
import { NfsShareEntity } from './entities/nfs-share.entity';
import { SmbShareEntity } from './entities/smb-share.entity';
import { FtpSharesController } from './ftp/ftp-shares.controller';
import { FtpSharesService } from './ftp/ftp-shares.service';
import { NfsSharesController } from './nfs/nfs-shares.controller';
import { NfsSharesService } from './nfs/nfs-shares.service';
import { OriginalConfigs } from './original-configs';
import { ShareChecks } from './share-checks.service';
import { RememberSentFields } from './share-support';
import { SharesBackupSection } from './shares.backup';
import { SharesController } from './shares.controller';
import { SharesImportService } from './shares-import.service';
import { SharesIntegration } from './shares-integration';
import { SmbSharesController } from './smb/smb-shares.controller';
import { SmbSharesService } from './smb/smb-shares.service';

/**
 * Shares: SMB shares, NFS exports and FTP shares (docs/shares.md). Each change goes through the
 * services module's apply engine; the share sections reach the renderers via ConfigContributions.
 * Paths are checked with the storage module (pools, datasets for previous versions), accounts
 * against the users module.
 */
@Module({
  imports: [
    SystemModule,
    ServicesModule,
    StorageModule,
    UsersModule,
    TypeOrmModule.forFeature([SmbShareEntity, NfsShareEntity, FtpShareEntity, PoolEntity, UserEntity, GroupEntity, UserGroupEntity]),
  ],
  controllers: [SharesController, SmbSharesController, NfsSharesController, FtpSharesController],
  providers: [
    OriginalConfigs,
    ShareChecks,
    RememberSentFields,
    SmbSharesService,
    NfsSharesService,
    FtpSharesService,
    SharesIntegration,
    SharesImportService,
    SharesBackupSection,
  ],
  // Bulk provisioning prepares and stores shares inside its own change.
  exports: [SmbSharesService, NfsSharesService, FtpSharesService],
})
export class SharesModule {}
