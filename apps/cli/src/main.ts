import 'reflect-metadata';
import { loadConfig } from './api';
import { runCli } from './cli';
import { commands } from './commands';

/** The version from package.json, without requiring a valid environment (help must always work). */
function version(): string {
  try {
    return loadConfig({}).version;
  } catch {
    return 'unknown';
  }
}

runCli(process.argv.slice(2), commands, version()).then(
  // Open handles (pools, timers) must not keep the process alive once the command has answered.
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`moxnas: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
