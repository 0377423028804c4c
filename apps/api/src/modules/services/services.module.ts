import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { CommandRunner, HostFs } from '@moxnas/host';
import type { HostPaths } from '../../core/config/host-paths';
import { COMMAND_RUNNER, HOST_FS, HOST_PATHS } from '../../core/host/host.module';
import { SystemModule } from '../system/system.module';
import { ApplyEngine } from './apply/apply-engine';
import { DAEMON_RELOADER } from './apply/managed-config';
import { ServiceLock } from './apply/service-lock';
import { ConfigContributions } from './configs/config-contributions';
import { ServicesConfigSection } from './config-section';
import { ServicesSystemContribution } from './system-contribution';
import { FtpManagedConfig } from './configs/ftp.config';
import { NfsManagedConfig } from './configs/nfs.config';
import { SmbManagedConfig } from './configs/smb.config';
import { DaemonsService } from './daemons.service';
import { DriftService } from './drift.service';
import { ConfigRevisionEntity } from './entities/config-revision.entity';
import { SettingEntity } from './entities/setting.entity';
import { ReconcileService } from './reconcile.service';
import { ServicesController } from './services.controller';
import { ServicesService } from './services.service';
import { SettingsStore } from './settings.store';

/**
 * Services: the apply engine (the only way configuration reaches the host), the daemons behind
 * SMB/NFS/FTP, their settings, revisions, drift and the startup reconcile. The shares module
 * plugs its share sections in through ConfigContributions and applies through ApplyEngine.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConfigRevisionEntity, SettingEntity]), SystemModule],
  controllers: [ServicesController],
  providers: [
    ServiceLock,
    SettingsStore,
    ConfigContributions,
    DaemonsService,
    { provide: DAEMON_RELOADER, useExisting: DaemonsService },
    ApplyEngine,
    DriftService,
    ServicesService,
    ReconcileService,
    ServicesConfigSection,
    ServicesSystemContribution,
  ],
  exports: [ApplyEngine, ConfigContributions, ReconcileService, ServicesService, SettingsStore, DaemonsService],
})
export class ServicesModule implements OnModuleInit {
  constructor(
    private readonly engine: ApplyEngine,
    private readonly settings: SettingsStore,
    private readonly contributions: ConfigContributions,
    @Inject(HOST_PATHS) private readonly paths: HostPaths,
    @Inject(COMMAND_RUNNER) private readonly runner: CommandRunner,
    @Inject(HOST_FS) private readonly fs: HostFs,
  ) {}

  onModuleInit(): void {
    this.engine.register(new SmbManagedConfig(this.paths, this.settings, this.contributions, this.runner, this.fs));
    this.engine.register(new NfsManagedConfig(this.paths, this.settings, this.contributions, this.runner));
    this.engine.register(new FtpManagedConfig(this.paths, this.settings, this.contributions, this.runner));
  }
}
