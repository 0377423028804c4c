import { ConfigError } from './api';
import { EXIT, UsageError, type CliCommand } from './command';
import { err, out } from './lib/output';

function overview(commands: readonly CliCommand[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length), 'help'.length);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `moxnas ${version}: MoxNAS admin command line

Usage: moxnas <command> [options]

Commands:
${lines.join('\n')}
  ${'help'.padEnd(width)}  Show this list, or a command's options: moxnas help <command>

Configuration comes from the environment, as for the app; /usr/local/bin/moxnas loads
/etc/moxnas/moxnas.env first. Exit codes: 0 success, 1 failure, 2 bad usage.`;
}

function usageOf(c: CliCommand): string {
  return c.usage ?? `Usage: moxnas ${c.name}\n\n${c.summary}`;
}

/** Dispatches argv (without node and script) to a command; returns the process exit code. */
export async function runCli(argv: string[], commands: readonly CliCommand[], version: string): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(overview(commands, version));
    return EXIT.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0];
    if (topic === undefined) {
      out(overview(commands, version));
      return EXIT.ok;
    }
    const target = commands.find((c) => c.name === topic);
    if (!target) {
      err(`moxnas: unknown command "${topic}". Run "moxnas help" for the list.`);
      return EXIT.usage;
    }
    out(usageOf(target));
    return EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    out(version);
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    err(`moxnas: unknown command "${name}". Run "moxnas help" for the list.`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(usageOf(command));
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`moxnas ${name}: ${e.message}`);
      err('');
      err(usageOf(command));
      return EXIT.usage;
    }
    if (e instanceof ConfigError) {
      err(`moxnas ${name}: ${e.message}`);
      return EXIT.failure;
    }
    const message = e instanceof Error ? e.message : String(e);
    err(`moxnas ${name}: ${message || 'failed'}`);
    if (process.env.MOXNAS_DEBUG === '1' && e instanceof Error && e.stack) err(e.stack);
    return EXIT.failure;
  }
}
