import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../command';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict flag parsing for one command: unknown options and stray positionals become a UsageError
 * (exit 2) instead of being silently ignored.
 */
export function parseFlags<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
