import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsGateway } from './events/events.gateway';
import { EventsService } from './events/events.service';
import { JobEntity } from './jobs/job.entity';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { monitoringControllers, monitoringEntities, monitoringExports, monitoringProviders } from './metrics/monitoring.parts';

/** System: jobs, live events, and info/capabilities/metrics/alerts (monitoring.parts); health and Prometheus are in core. */
@Module({
  imports: [TypeOrmModule.forFeature([JobEntity, ...monitoringEntities])],
  controllers: [JobsController, ...monitoringControllers],
  providers: [JobsService, EventsService, EventsGateway, ...monitoringProviders],
  exports: [JobsService, EventsService, ...monitoringExports],
})
export class SystemModule {}
