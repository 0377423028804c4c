import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  groupsApi,
  type CreateGroupRequest,
  type DeleteResult,
  type Group,
  type GroupChange,
  type IdParams,
  type PageQuery,
  type ResponseOf,
  type UpdateGroupRequest,
} from '@moxnas/contracts';
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
  create(@Body() body: CreateGroupRequest): Promise<GroupChange> {
    return this.groups.create(body);
  }

  @Route(groupsApi.update)
  update(@Param() params: IdParams, @Body() body: UpdateGroupRequest): Promise<GroupChange> {
    return this.groups.update(params.id, body);
  }

  @Route(groupsApi.delete)
  delete(@Param() params: IdParams): Promise<DeleteResult> {
    return this.groups.delete(params.id);
  }
}
