import type { CliCommand } from '../command';
import { command as backup } from './backup';
import { command as doctor } from './doctor';
import { command as migrate } from './migrate';
import { command as reconcile } from './reconcile';
import { command as resetAdminPassword } from './reset-admin-password';
import { command as restore } from './restore';
import { command as status } from './status';

/**
 * Every `moxnas` subcommand, in the order `moxnas help` lists them. A new command is a module in
 * this folder exporting `command: CliCommand`, plus one import and one entry here
 * (reset-admin-password, reconcile, backup and restore were added this way).
 */
export const commands: readonly CliCommand[] = [migrate, status, doctor, reconcile, resetAdminPassword, backup, restore];
