import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  groupsApi,
  type CreateGroupRequest,
  type DeleteResult,
  type DryRunQuery,
  type Group,
  type GroupChange,
  type IdParams,
  type PageQuery,
  type ResponseOf,
  type UpdateGroupRequest,
} from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { GroupsService } from './groups.service';

@Controller()
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Route(groupsApi.list)
  list(@Query() query: PageQuery): Promise<ResponseOf<typeof groupsApi.list>> {
    return this.groups.list(query);
  }

  @Route(groupsApi.get)
  get(@Param() params: IdParams): Promise<Group> {
    return this.groups.get(params.id);
  }

  @Route(groupsApi.create)
  create(@Body() body: CreateGroupRequest, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<GroupChange> {
    return this.groups.create(body, actor?.username ?? null, query.dryRun);
  }

  @Route(groupsApi.update)
  update(@Param() params: IdParams, @Body() body: UpdateGroupRequest, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<GroupChange> {
    return this.groups.update(params.id, body, actor?.username ?? null, query.dryRun);
  }

  @Route(groupsApi.delete)
  delete(@Param() params: IdParams, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<DeleteResult> {
    return this.groups.delete(params.id, actor?.username ?? null, query.dryRun);
  }
}
