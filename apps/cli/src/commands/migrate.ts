import { loadConfig } from '../api';
import { EXIT, type CliCommand } from '../command';
import { parseFlags } from '../lib/args';
import { openDatabase, pendingMigrations } from '../lib/database';
import { out } from '../lib/output';

export const command: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations (the app also does this at start)',
  usage: `Usage: moxnas migrate [--check]

Connects with the app's configuration (DATABASE_URL, or the embedded database in
MOXNAS_DATA_DIR) and applies every pending migration, each in its own transaction,
printing their names.

Options:
  --check   List pending migrations without applying them; exit 1 when there are any.

Stop the app before migrating a PostgreSQL database it is using: the app migrates
at start, and two migrators must not run at once. With the embedded database the
command connects through the running app's socket when the app is up.`,
  async run(args) {
    const flags = parseFlags(args, { check: { type: 'boolean' } });
    const config = loadConfig();
    const db = await openDatabase(config);
    try {
      out(`Database: ${db.description}`);
      const pending = await pendingMigrations(db.dataSource);
      if (flags.check) {
        if (!pending.length) {
          out('No pending migrations.');
          return EXIT.ok;
        }
        out(`${pending.length} pending migration(s):`);
        for (const name of pending) out(`  ${name}`);
        return EXIT.failure;
      }
      if (!pending.length) {
        out('No pending migrations; the schema is current.');
        return EXIT.ok;
      }
      out(`Applying ${pending.length} migration(s):`);
      const applied = await db.dataSource.runMigrations({ transaction: 'each' });
      for (const m of applied) out(`  applied ${m.name}`);
      out(`Done: ${applied.length} migration(s) applied.`);
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
