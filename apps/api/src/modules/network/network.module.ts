import { Module } from '@nestjs/common';
import { SystemModule } from '../system/system.module';
import { NetworkController } from './network.controller';
import { NetworkInterfacesService } from './network-interfaces.service';
import { NetworkSettingsService } from './network-settings.service';
import { ServiceBindingsService } from './service-bindings.service';

/** Network: interfaces and traffic, DNS servers, host name, and which interfaces the daemons bind to. */
@Module({
  imports: [SystemModule],
  controllers: [NetworkController],
  providers: [NetworkInterfacesService, NetworkSettingsService, ServiceBindingsService],
})
export class NetworkModule {}
