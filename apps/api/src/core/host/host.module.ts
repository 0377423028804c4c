import { Global, Module } from '@nestjs/common';
import { ExecCommandRunner, NodeHostFs, probeHost, type HostCapabilities } from '@moxnas/host';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { hostPaths } from '../config/host-paths';

export const COMMAND_RUNNER = Symbol('COMMAND_RUNNER');
export const HOST_FS = Symbol('HOST_FS');
export const HOST_PATHS = Symbol('HOST_PATHS');
export const HOST_CAPABILITIES = Symbol('HOST_CAPABILITIES');

/**
 * The real host adapters, one instance each for the whole app. Unit tests build services with
 * typed fakes instead; integration and e2e tests use these against the real machine.
 */
@Global()
@Module({
  providers: [
    { provide: COMMAND_RUNNER, useValue: new ExecCommandRunner() },
    { provide: HOST_FS, useValue: new NodeHostFs() },
    { provide: HOST_PATHS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => hostPaths(config) },
    // Probed once at start; the capabilities endpoint can probe again on demand.
    { provide: HOST_CAPABILITIES, useFactory: (): Promise<HostCapabilities> => probeHost() },
  ],
  exports: [COMMAND_RUNNER, HOST_FS, HOST_PATHS, HOST_CAPABILITIES],
})
export class HostModule {}
