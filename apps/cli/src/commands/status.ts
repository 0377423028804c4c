import { loadConfig } from '../api';
import { EXIT, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { printReport, report } from '../lib/checks';
import { databaseChecks, redisCheck } from '../lib/connectivity';

export const command: CliCommand = {
  name: 'status',
  summary: 'Show whether the database and Redis answer and migrations are current',
  usage: `Usage: moxnas status [--json]

Reads the app's configuration and reports:
  Database     reachable with DATABASE_URL (or the embedded database)
  Migrations   pending migrations, by name
  Redis        reachable with REDIS_URL (or "not configured")

Exit 0 when the database and Redis answer (pending migrations are a warning: the
app applies them at start), 1 otherwise.

Options:
  --json    Print {"ok": bool, "checks": [...]} instead of text.`,
  async run(args) {
    const flags = parseFlags(args, { json: { type: 'boolean' } });
    const config = loadConfig();
    const [db, redis] = await Promise.all([databaseChecks(config), redisCheck(config)]);
    const r = report([...db, redis]);
    printReport(r, flags.json === true);
    return r.ok ? EXIT.ok : EXIT.failure;
  },
};
