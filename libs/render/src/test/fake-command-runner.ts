import type { CommandRunner, RunOptions, RunResult } from '@moxnas/host';
import { CommandError } from '@moxnas/host';

export interface RecordedCall {
  command: string;
  args: readonly string[];
  options: RunOptions;
}

type Handler = (call: RecordedCall) => RunResult | Promise<RunResult>;

/**
 * A typed CommandRunner for unit tests: records every call and answers from a handler per command,
 * applying the real runner's exit-code rule (non-ok codes reject with a CommandError carrying the
 * result), so validators see exactly what they would see from ExecCommandRunner.
 */
export class FakeCommandRunner implements CommandRunner {
  readonly calls: RecordedCall[] = [];

  constructor(
    private readonly handlers: Record<string, Handler>,
    private readonly installed: ReadonlySet<string> = new Set(Object.keys(handlers)),
  ) {}

  async has(command: string): Promise<boolean> {
    return this.installed.has(command);
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const call = { command, args, options };
    this.calls.push(call);
    const handler = this.handlers[command];
    if (!handler || !this.installed.has(command)) throw new CommandError('not-found', command, args, `${command} is not installed`);
    const result = await handler(call);
    if (!(options.okCodes ?? [0]).includes(result.code)) {
      throw new CommandError('failed', command, args, `${command} exited with ${result.code}`, result);
    }
    return result;
  }
}
