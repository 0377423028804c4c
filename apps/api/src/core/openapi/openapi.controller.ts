import { Controller, Inject } from '@nestjs/common';
import { docsApi } from '@moxnas/contracts';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Route } from '../http/route.decorator';
import { openApiDocument } from './openapi';

@Controller()
export class OpenApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.document = openApiDocument(config.version);
  }

  @Route(docsApi.openapi)
  openapi(): Record<string, unknown> {
    return this.document;
  }
}
