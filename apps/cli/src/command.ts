/**
 * The contract every `moxnas` subcommand implements. A command module exports `command` and is
 * listed in commands/index.ts; main.ts dispatches to it and exits with the number `run` returns.
 */
export interface CliCommand {
  /** The word typed after `moxnas`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full help: options and examples, shown by `moxnas help <name>` and `<name> --help`. */
  usage?: string;
  run(args: string[]): Promise<number>;
}

/** Exit codes shared by every command, so scripts can tell "broken" from "called wrongly". */
export const EXIT = {
  ok: 0,
  /** The operation ran and failed, or a check found something broken. */
  failure: 1,
  /** Bad arguments: nothing was done. */
  usage: 2,
} as const;

/** Thrown for bad arguments; the dispatcher prints the message and the command's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
