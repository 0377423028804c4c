import { Init1763773200000 } from './1763773200000-init';
import { Jobs1763773300000 } from './1763773300000-jobs';
import { ConfigRevisions1763773400000 } from './1763773400000-config-revisions';
import { Users1763773555000 } from './1763773555000-users';
import { Alerts1763773800000 } from './1763773800000-alerts';
import { Storage1763773900000 } from './1763773900000-storage';
import { Shares1763774000000 } from './1763774000000-shares';
import { SmbRecyclePerUser1763774100000 } from './1763774100000-smb-recycle-per-user';
import { AuditDryRun1763774200000 } from './1763774200000-audit-dry-run';
import { Replication1763774300000 } from './1763774300000-replication';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
export const migrations = [Init1763773200000, Jobs1763773300000, ConfigRevisions1763773400000, Users1763773555000, Alerts1763773800000, Storage1763773900000, Shares1763774000000, SmbRecyclePerUser1763774100000, AuditDryRun1763774200000, Replication1763774300000];
