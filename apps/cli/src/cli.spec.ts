import { runCli } from './cli';
import { EXIT, UsageError, type CliCommand } from './command';

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  return {
    stdout: () => stdout.join(''),
    stderr: () => stderr.join(''),
    restore: () => {
      o.mockRestore();
      e.mockRestore();
    },
  };
}

function fakeCommand(name: string, run: (args: string[]) => Promise<number>): CliCommand & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    name,
    summary: `the ${name} command`,
    usage: `Usage: moxnas ${name} [--flag]`,
    calls,
    run: (args) => {
      calls.push(args);
      return run(args);
    },
  };
}

describe('runCli', () => {
  let io: ReturnType<typeof capture>;
  beforeEach(() => (io = capture()));
  afterEach(() => io.restore());

  it('prints the command list on stderr and exits 2 without a command', async () => {
    const code = await runCli([], [fakeCommand('one', async () => 0)], '1.2.3');
    expect(code).toBe(EXIT.usage);
    expect(io.stderr()).toMatch(/one +the one command/);
    expect(io.stderr()).toContain('moxnas 1.2.3');
  });

  it('prints help on stdout and exits 0', async () => {
    expect(await runCli(['help'], [fakeCommand('one', async () => 0)], '1')).toBe(EXIT.ok);
    expect(io.stdout()).toContain('Usage: moxnas <command>');
  });

  it('shows a command usage for "help <cmd>" and "<cmd> --help" without running it', async () => {
    const one = fakeCommand('one', async () => 0);
    expect(await runCli(['help', 'one'], [one], '1')).toBe(EXIT.ok);
    expect(await runCli(['one', '--help'], [one], '1')).toBe(EXIT.ok);
    expect(one.calls).toHaveLength(0);
    expect(io.stdout().match(/Usage: moxnas one \[--flag\]/g)).toHaveLength(2);
  });

  it('rejects unknown commands with exit 2', async () => {
    expect(await runCli(['nope'], [fakeCommand('one', async () => 0)], '1')).toBe(EXIT.usage);
    expect(io.stderr()).toContain('unknown command "nope"');
    expect(await runCli(['help', 'nope'], [], '1')).toBe(EXIT.usage);
  });

  it('passes the remaining arguments and returns the command exit code', async () => {
    const one = fakeCommand('one', async () => 7);
    expect(await runCli(['one', 'a', '--b'], [one], '1')).toBe(7);
    expect(one.calls).toEqual([['a', '--b']]);
  });

  it('turns a UsageError into exit 2 with the usage text', async () => {
    const one = fakeCommand('one', async () => {
      throw new UsageError("Unknown option '--x'");
    });
    expect(await runCli(['one', '--x'], [one], '1')).toBe(EXIT.usage);
    expect(io.stderr()).toContain("moxnas one: Unknown option '--x'");
    expect(io.stderr()).toContain('Usage: moxnas one');
  });

  it('turns any other error into exit 1 with its message', async () => {
    const one = fakeCommand('one', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    expect(await runCli(['one'], [one], '1')).toBe(EXIT.failure);
    expect(io.stderr()).toContain('moxnas one: connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('prints the version', async () => {
    expect(await runCli(['--version'], [], '9.9.9')).toBe(EXIT.ok);
    expect(io.stdout()).toBe('9.9.9\n');
  });
});
