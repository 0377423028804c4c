import { Body, Controller, Param, Query } from '@nestjs/common';
import { aclApi, type AclDryRun, type AclPathQuery, type AclSet, type AclSetQuery, type IdParams, type Job, type PathAcl } from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { DatasetAclService } from './dataset-acl.service';

@Controller()
export class DatasetAclController {
  constructor(private readonly acl: DatasetAclService) {}

  @Route(aclApi.get)
  get(@Param() params: IdParams, @Query() query: AclPathQuery): Promise<PathAcl> {
    return this.acl.get(params.id, query.path);
  }

  @Route(aclApi.set)
  set(@Param() params: IdParams, @Query() query: AclSetQuery, @Body() body: AclSet, @CurrentActor() actor: Actor | null): Promise<PathAcl | AclDryRun | Job> {
    return this.acl.set(params.id, query, body, actor?.username ?? null);
  }
}
