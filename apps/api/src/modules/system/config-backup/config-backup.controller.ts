import { Body, Controller, Query } from '@nestjs/common';
import { systemApi, type ConfigExportRequest, type ConfigImportRequest, type DryRunQuery } from '@moxnas/contracts';
import { Route } from '../../../core/http/route.decorator';
import { ConfigBackupService } from './config-backup.service';

@Controller()
export class ConfigBackupController {
  constructor(private readonly backup: ConfigBackupService) {}

  @Route(systemApi.configExport)
  export(@Body() body: ConfigExportRequest) {
    return this.backup.export(body);
  }

  @Route(systemApi.configImport)
  import(@Body() body: ConfigImportRequest, @Query() query: DryRunQuery) {
    return this.backup.import(body, query.dryRun);
  }
}
