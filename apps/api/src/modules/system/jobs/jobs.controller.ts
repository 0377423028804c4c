import { Controller, Param, Query } from '@nestjs/common';
import { jobsApi, type Job, type JobState, type PageQuery } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { JobsService } from './jobs.service';

@Controller()
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Route(jobsApi.list)
  list(@Query() query: PageQuery & { state?: JobState; type?: string }) {
    return this.jobs.list(query);
  }

  @Route(jobsApi.get)
  get(@Param('id') id: string): Promise<Job> {
    return this.jobs.get(id);
  }

  @Route(jobsApi.cancel)
  cancel(@Param('id') id: string): Promise<Job> {
    return this.jobs.cancel(id);
  }
}
