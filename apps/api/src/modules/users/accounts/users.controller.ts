import { Body, Controller, Param, Query } from '@nestjs/common';
import {
  usersApi,
  type CreateUserRequest,
  type DeleteResult,
  type DeleteUserQuery,
  type DryRunQuery,
  type IdParams,
  type ResponseOf,
  type UpdateUserRequest,
  type User,
  type UserChange,
  type UserListQuery,
} from '@moxnas/contracts';
import { CurrentActor, type Actor } from '../../../core/http/actor';
import { Route } from '../../../core/http/route.decorator';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Route(usersApi.list)
  list(@Query() query: UserListQuery): Promise<ResponseOf<typeof usersApi.list>> {
    return this.users.list(query);
  }

  @Route(usersApi.get)
  get(@Param() params: IdParams): Promise<User> {
    return this.users.get(params.id);
  }

  @Route(usersApi.create)
  create(@Body() body: CreateUserRequest, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<UserChange> {
    return this.users.create(body, actor?.username ?? null, query.dryRun);
  }

  @Route(usersApi.update)
  update(@Param() params: IdParams, @Body() body: UpdateUserRequest, @Query() query: DryRunQuery, @CurrentActor() actor: Actor | null): Promise<UserChange> {
    return this.users.update(params.id, body, actor?.username ?? null, query.dryRun);
  }

  @Route(usersApi.delete)
  delete(@Param() params: IdParams, @Query() query: DeleteUserQuery, @CurrentActor() actor: Actor | null): Promise<DeleteResult> {
    return this.users.delete(params.id, query.keepFiles, actor?.username ?? null, query.dryRun);
  }
}
