import { Injectable, OnModuleInit } from '@nestjs/common';
import { SystemRegistry } from '../system/metrics/system-registry';
import { DaemonsService } from './daemons.service';
import { SERVICE_IDS } from './services.service';

/**
 * Daemon states for the system views (`moxnas_service_up`, the detailed health check, service-down
 * alerts). The collector polls this every few seconds; the driver answers from memory (the process
 * driver's own table, or one `systemctl show` per service).
 */
@Injectable()
export class ServicesSystemContribution implements OnModuleInit {
  constructor(
    private readonly registry: SystemRegistry,
    private readonly daemons: DaemonsService,
  ) {}

  onModuleInit(): void {
    this.registry.contributeServices({
      statuses: () =>
        Promise.all(
          SERVICE_IDS.map(async (id) => {
            const status = await this.daemons.status(id);
            return { id, state: status.state, enabled: status.raw?.enabled ?? false };
          }),
        ),
    });
  }
}
