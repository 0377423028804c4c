import { Body, Controller, Param, Query } from '@nestjs/common';
import { servicesApi, type ApplyResult, type Drift, type FileDiff, type Revision, type RevisionSummary, type ServiceId, type ServiceStatus } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../core/http/actor';
import { Route } from '../../core/http/route.decorator';
import { ServicesService } from './services.service';

@Controller()
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @Route(servicesApi.list)
  list(): Promise<ServiceStatus[]> {
    return this.services.list();
  }

  @Route(servicesApi.get)
  get(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.get(id);
  }

  @Route(servicesApi.start)
  start(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.control(id, 'start');
  }

  @Route(servicesApi.stop)
  stop(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.control(id, 'stop');
  }

  @Route(servicesApi.restart)
  restart(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.control(id, 'restart');
  }

  @Route(servicesApi.reload)
  reload(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.control(id, 'reload');
  }

  @Route(servicesApi.enable)
  enable(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.control(id, 'enable');
  }

  @Route(servicesApi.disable)
  disable(@Param('id') id: ServiceId): Promise<ServiceStatus> {
    return this.services.control(id, 'disable');
  }

  @Route(servicesApi.getSettings)
  async getSettings(@Param('id') id: ServiceId) {
    return { settings: await this.services.getSettings(id), apply: null };
  }

  @Route(servicesApi.updateSettings)
  updateSettings(
    @Param('id') id: ServiceId,
    @Query('dryRun') dryRun: boolean,
    @Body() body: Record<string, unknown>,
    @CurrentActor() actor: Actor | null,
  ) {
    return this.services.updateSettings(id, body, { dryRun, actor: actor?.username ?? null });
  }

  @Route(servicesApi.revisions)
  revisions(@Param('id') id: ServiceId): Promise<RevisionSummary[]> {
    return this.services.listRevisions(id);
  }

  @Route(servicesApi.revision)
  revision(@Param('id') id: ServiceId, @Param('revisionId') revisionId: string): Promise<Revision> {
    return this.services.getRevision(id, revisionId);
  }

  @Route(servicesApi.diff)
  diff(@Param('id') id: ServiceId, @Query('from') from: string, @Query('to') to: string): Promise<FileDiff> {
    return this.services.diff(id, from, to);
  }

  @Route(servicesApi.rollback)
  rollback(
    @Param('id') id: ServiceId,
    @Param('revisionId') revisionId: string,
    @Query('dryRun') dryRun: boolean,
    @CurrentActor() actor: Actor | null,
  ): Promise<ApplyResult> {
    return this.services.rollback(id, revisionId, { dryRun, actor: actor?.username ?? null });
  }

  @Route(servicesApi.drift)
  drift(@Param('id') id: ServiceId): Promise<Drift> {
    return this.services.checkDrift(id);
  }

  @Route(servicesApi.overwriteDrift)
  overwriteDrift(@Param('id') id: ServiceId, @Query('dryRun') dryRun: boolean, @CurrentActor() actor: Actor | null): Promise<ApplyResult> {
    return this.services.overwriteDrift(id, { dryRun, actor: actor?.username ?? null });
  }

  @Route(servicesApi.adoptDrift)
  adoptDrift(@Param('id') id: ServiceId, @CurrentActor() actor: Actor | null): Promise<Drift> {
    return this.services.adoptDrift(id, actor?.username ?? null);
  }
}
