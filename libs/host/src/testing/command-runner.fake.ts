import { CommandError, type CommandRunner, type RunOptions, type RunResult } from '../command/command-runner';

export interface RecordedCommand {
  command: string;
  args: readonly string[];
  options: RunOptions;
}

/** What a scripted command returns; an Error is thrown as is (say, a CommandError of kind 'timeout'). */
export type FakeResponse = Partial<RunResult> | Error;
export type FakeHandler = (args: readonly string[], options: RunOptions) => FakeResponse | Promise<FakeResponse>;

/**
 * A CommandRunner for unit tests: records every call and answers from handlers registered per
 * binary. Non-zero codes outside okCodes throw a CommandError like the real runner; an unscripted
 * command throws 'not-found'.
 */
export class FakeCommandRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];
  private readonly handlers = new Map<string, FakeHandler>();

  on(command: string, handler: FakeHandler): this {
    this.handlers.set(command, handler);
    return this;
  }

  callsTo(command: string): RecordedCommand[] {
    return this.calls.filter((c) => c.command === command);
  }

  async has(command: string): Promise<boolean> {
    return this.handlers.has(command);
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    this.calls.push({ command, args: [...args], options });
    const handler = this.handlers.get(command);
    if (!handler) throw new CommandError('not-found', command, args, `${command} is not installed`);
    const response = await handler(args, options);
    if (response instanceof Error) throw response;
    const result: RunResult = { code: response.code ?? 0, stdout: response.stdout ?? '', stderr: response.stderr ?? '' };
    if (!(options.okCodes ?? [0]).includes(result.code)) {
      const detail = (result.stderr || result.stdout).trim();
      throw new CommandError('failed', command, args, `${command} exited with ${result.code}: ${detail}`, result);
    }
    return result;
  }
}
