import { Module } from '@nestjs/common';
import { ExecCommandRunner, HostIdentities, NodeHostFs } from '@moxnas/host';
import { AccessController } from './access.controller';
import { ACCESS_HOST, AccessService, type AccessHost } from './access.service';

function createAccessHost(): AccessHost {
  const runner = new ExecCommandRunner();
  return { fs: new NodeHostFs(), runner, identities: new HostIdentities(runner) };
}

/**
 * Effective access (docs/access.md): who can read or write a path over SMB, FTP and NFS, and why.
 * Reads the shares, users and groups tables and the file system; changes nothing.
 */
@Module({
  controllers: [AccessController],
  providers: [AccessService, { provide: ACCESS_HOST, useFactory: createAccessHost }],
})
export class AccessModule {}
