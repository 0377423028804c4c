import { Controller, Inject } from '@nestjs/common';
import { docsApi } from '@moxnas/contracts';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Route } from '../http/route.decorator';
import { openApiDocument } from './openapi';

@Controller()
export class OpenApiController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Built on the first request (then kept by openApiDocument), so a start never pays for it. */
  @Route(docsApi.openapi)
  openapi(): Record<string, unknown> {
    return openApiDocument(this.config.version);
  }
}
