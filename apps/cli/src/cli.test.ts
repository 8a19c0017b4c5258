import { describe, expect, it } from 'vitest';
import { ShapesweepError } from '@shapesweep/contract';
import { runCli, exitCodeFor } from './cli.js';
import { EXIT, UsageError, defineCommand } from './command.js';
import { memoryIo } from './test-support/memoryIo.js';

const echo = defineCommand({
  name: 'echo',
  summary: 'Echo arguments',
  usage: 'WORD... [options]',
  options: {
    upper: { type: 'boolean', help: 'Upper-case' },
    sep: { type: 'string', short: 's', valueName: 'TEXT', help: 'Separator (default " ")' },
  },
  positionals: { min: 1, max: 3 },
  async run({ values, positionals, io }) {
    const text = positionals.join(values.sep ?? ' ');
    io.stdout(`${values.upper === true ? text.toUpperCase() : text}\n`);
    return EXIT.ok;
  },
});
const failing = defineCommand({
  name: 'fail',
  summary: 'Fail',
  usage: '',
  options: {},
  async run() {
    throw new ShapesweepError('SWEEP_NOT_FOUND', 'no sweep "x"\nreally');
  },
});

describe('runCli', () => {
  it('dispatches to the command with its parsed flags and positionals', async () => {
    const io = memoryIo();
    expect(await runCli(['echo', 'a', 'b', '--upper', '-s', '+'], io, [echo])).toBe(EXIT.ok);
    expect(io.out()).toBe('A+B\n');
  });

  it('prints the command list for --help and for help, and per-command help', async () => {
    const io = memoryIo();
    expect(await runCli(['--help'], io, [echo])).toBe(0);
    expect(io.out()).toContain('  echo  Echo arguments');
    const cmd = memoryIo();
    expect(await runCli(['echo', '--help'], cmd, [echo])).toBe(0);
    expect(cmd.out()).toContain('Usage: shapesweep echo WORD... [options]');
    expect(cmd.out()).toMatch(/-s, --sep TEXT\s+Separator \(default " "\)/);
    const viaHelp = memoryIo();
    expect(await runCli(['help', 'echo'], viaHelp, [echo])).toBe(0);
    expect(viaHelp.out()).toBe(cmd.out());
  });

  it('prints the version', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io, [echo])).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 with usage on stderr when no command is given', async () => {
    const io = memoryIo();
    expect(await runCli([], io, [echo])).toBe(EXIT.usage);
    expect(io.err()).toContain('Usage: shapesweep <command>');
    expect(io.out()).toBe('');
  });

  it('exits 2 with one line naming an unknown command', async () => {
    const io = memoryIo();
    expect(await runCli(['ecko'], io, [echo])).toBe(EXIT.usage);
    expect(io.err()).toBe('shapesweep: unknown command "ecko"; commands are echo (see shapesweep --help)\n');
  });

  it('exits 2 with one line for an unknown flag, a missing value or a wrong argument count', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['echo', 'a', '--loud'], /^shapesweep echo: Unknown option '--loud' \(see shapesweep echo --help\)\n$/],
      [['echo', 'a', '--sep'], /^shapesweep echo: Option '-s, --sep <value>' argument missing \(see shapesweep echo --help\)\n$/],
      [['echo'], /^shapesweep echo: expected WORD\.\.\. \(usage: shapesweep echo WORD\.\.\. \[options\]\)\n$/],
      [['echo', 'a', 'b', 'c', 'd'], /^shapesweep echo: unexpected argument "d"/],
    ];
    for (const [argv, expected] of cases) {
      const io = memoryIo();
      expect(await runCli(argv, io, [echo])).toBe(EXIT.usage);
      expect(io.err()).toMatch(expected);
    }
  });

  it('reports a command error on one line with an exit status from its HTTP status', async () => {
    const io = memoryIo();
    expect(await runCli(['fail'], io, [failing])).toBe(EXIT.usage);
    expect(io.err()).toBe('shapesweep fail: no sweep "x"; really\n');
  });

  it('maps errors to exit statuses: invalid input 2, server and unknown failures 1', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new ShapesweepError('SWEEP_SPEC_INVALID'))).toBe(2);
    expect(exitCodeFor(new ShapesweepError('DATABASE_UNAVAILABLE'))).toBe(1);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });
});
