import { Body, Controller } from '@nestjs/common';
import { networkApi, type UpdateDns, type UpdateHostname } from '@moxnas/contracts';
import { Route } from '../../core/http/route.decorator';
import { NetworkInterfacesService } from './network-interfaces.service';
import { NetworkSettingsService } from './network-settings.service';
import { ServiceBindingsService } from './service-bindings.service';

@Controller()
export class NetworkController {
  constructor(
    private readonly interfaces: NetworkInterfacesService,
    private readonly settings: NetworkSettingsService,
    private readonly bindings: ServiceBindingsService,
  ) {}

  @Route(networkApi.interfaces)
  list() {
    return this.interfaces.list();
  }

  @Route(networkApi.getDns)
  dns() {
    return this.settings.dns();
  }

  @Route(networkApi.updateDns)
  updateDns(@Body() body: UpdateDns) {
    return this.settings.updateDns(body);
  }

  @Route(networkApi.getHostname)
  hostname() {
    return this.settings.hostname();
  }

  @Route(networkApi.updateHostname)
  updateHostname(@Body() body: UpdateHostname) {
    return this.settings.updateHostname(body);
  }

  @Route(networkApi.bindings)
  serviceBindings() {
    return this.bindings.get();
  }
}
