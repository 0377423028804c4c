import type { Provider, Type } from '@nestjs/common';
import { FetchWebhookSender, ProcSystemReader, SmtpMailSender, type HostFs } from '@moxnas/host';
import { HOST_FS } from '../../../core/host/host.module';
import { AlertChannelEntity } from '../alerts/alert-channel.entity';
import { AlertChannelsBackupSection } from '../alerts/alert-channels.backup';
import { AlertChannelsService } from '../alerts/alert-channels.service';
import { AlertDeliveryEntity } from '../alerts/alert-delivery.entity';
import { AlertDeliveryQueue } from '../alerts/alert-delivery.queue';
import { MAIL_SENDER, WEBHOOK_SENDER } from '../alerts/alert-senders';
import { AlertSourcesService } from '../alerts/alert-sources.service';
import { AlertEntity } from '../alerts/alert.entity';
import { AlertChannelsController, AlertsController } from '../alerts/alerts.controller';
import { AlertsService } from '../alerts/alerts.service';
import { createSystemClock, SYSTEM_CLOCK } from '../alerts/system-clock';
import { CapabilitiesController } from '../capabilities/capabilities.controller';
import { CAPABILITY_PROBER, CapabilitiesService, realProber } from '../capabilities/capabilities.service';
import { ConfigBackupController } from '../config-backup/config-backup.controller';
import { ConfigBackupRegistry } from '../config-backup/config-backup.registry';
import { ConfigBackupService } from '../config-backup/config-backup.service';
import { SystemInfoController } from '../info/system-info.controller';
import { SystemInfoService } from '../info/system-info.service';
import { MetricsCollector } from './metrics-collector.service';
import { ServiceStateTracker } from './service-state.tracker';
import { SystemHealthContributor } from './system-health.contributor';
import { SystemMetricsController } from './system-metrics.controller';
import { SYSTEM_READER } from './system-reader.token';
import { SystemRegistry } from './system-registry';

/**
 * Info, capabilities, metrics, alerts and config export/import, as parts of the SystemModule (they share its
 * EventsService). Kept here so system.module.ts only spreads these lists.
 */
export const monitoringEntities = [AlertEntity, AlertChannelEntity, AlertDeliveryEntity];

export const monitoringControllers: Type[] = [SystemInfoController, CapabilitiesController, SystemMetricsController, AlertsController, AlertChannelsController, ConfigBackupController];

export const monitoringProviders: Provider[] = [
  { provide: SYSTEM_CLOCK, useFactory: createSystemClock },
  { provide: SYSTEM_READER, useFactory: () => new ProcSystemReader() },
  { provide: WEBHOOK_SENDER, useFactory: () => new FetchWebhookSender() },
  { provide: MAIL_SENDER, useFactory: () => new SmtpMailSender() },
  { provide: CAPABILITY_PROBER, inject: [HOST_FS], useFactory: (fs: HostFs) => realProber(fs) },
  SystemRegistry,
  ServiceStateTracker,
  AlertDeliveryQueue,
  AlertsService,
  AlertChannelsService,
  MetricsCollector,
  AlertSourcesService,
  SystemInfoService,
  CapabilitiesService,
  SystemHealthContributor,
  ConfigBackupRegistry,
  ConfigBackupService,
  AlertChannelsBackupSection,
];

/** What other modules use: the registries to contribute figures and config sections, alerts to raise directly, the collector's traffic. */
export const monitoringExports = [SystemRegistry, AlertsService, MetricsCollector, ConfigBackupRegistry, SYSTEM_READER, SYSTEM_CLOCK];
