import type { ImportNote } from '@moxnas/contracts';
import { proposeFtpShares, type FtpProposal } from './propose-ftp';
import { proposeNfsShares, type NfsProposal } from './propose-nfs';
import { proposeSmbShares, type SmbProposal } from './propose-smb';

export type { ShareProposal } from './import-note';
export type { FtpProposal, NfsProposal, SmbProposal };

export interface ShareImportInput {
  smbConf?: string;
  exports?: string;
  vsftpdConf?: string;
  /** vsftpd per-user files (`user_config_dir`): user name → the file's text. */
  userConfigs?: Record<string, string>;
}

/** The shares an import would create, each with its own notes, and the notes about the files as a whole. */
export interface ShareProposals {
  smb: SmbProposal[];
  nfs: NfsProposal[];
  ftp: FtpProposal[];
  /** [global] settings, skipped sections, unreadable lines: everything not tied to one proposal. */
  notes: ImportNote[];
}

/**
 * Reads hand-made daemon configs and proposes MoxNAS shares (create bodies) from them. Pure: no
 * validation (the API checks each proposal against the contract and reports field errors), no I/O.
 *
 * What is understood becomes a field; everything else (unknown parameters, Samba macros, includes,
 * commands, options MoxNAS has no field for) is a note with its line and is not carried over. A
 * value MoxNAS cannot take literally but that restricts access (a macro in valid users, a path) is
 * carried as written, so the proposal fails validation instead of being created with wider access.
 */
export function proposeShares(input: ShareImportInput): ShareProposals {
  const result: ShareProposals = { smb: [], nfs: [], ftp: [], notes: [] };
  if (input.smbConf !== undefined) {
    const smb = proposeSmbShares(input.smbConf);
    result.smb = smb.proposals;
    result.notes.push(...smb.notes);
  }
  if (input.exports !== undefined) {
    const nfs = proposeNfsShares(input.exports);
    result.nfs = nfs.proposals;
    result.notes.push(...nfs.notes);
  }
  if (input.vsftpdConf !== undefined) {
    const ftp = proposeFtpShares(input.vsftpdConf, input.userConfigs);
    result.ftp = ftp.proposals;
    result.notes.push(...ftp.notes);
  }
  return result;
}
