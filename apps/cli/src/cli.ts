// The dispatcher: pick the subcommand, parse its flags with node:util parseArgs, run it, and turn every error
// into an exit status and one line on stderr.
import { parseArgs } from 'node:util';
import { isShapesweepError } from '@shapesweep/contract';
import { isShapeError } from '@shapesweep/shapes';
import { EXIT, UsageError, type CliIo, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { commandHelp, rootHelp } from './help.js';
import { VERSION } from './version.js';

/** An error as one line: newlines folded, the reason kept. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, '; ').trim();
}

/** parseArgs' messages carry a long hint after the first sentence; keep the first sentence. */
function parseArgsMessage(err: Error): string {
  const first = err.message.split(/\.\s/)[0] ?? err.message;
  return first.endsWith('.') ? first.slice(0, -1) : first;
}

/** Exit status for an error thrown by a command. */
export function exitCodeFor(err: unknown): number {
  // Errors that know their status (the API client's: 4xx → 2, 5xx → 1, unreachable → 3).
  const own = (err as { exitCode?: unknown } | null)?.exitCode;
  if (typeof own === 'number' && Number.isInteger(own)) return own;
  if (err instanceof UsageError || isShapeError(err)) return EXIT.usage;
  if (isShapesweepError(err)) return err.status >= 400 && err.status < 500 ? EXIT.usage : EXIT.failure;
  return EXIT.failure;
}

async function runCommand(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, spec]) => [
      name,
      { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }), ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }) },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${parseArgsMessage(err)} (see shapesweep ${command.name} --help)`);
    }
    throw err;
  }
  if (parsed.values.help === true) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < min) {
    throw new UsageError(`expected ${command.usage.split(' ')[0] ?? 'arguments'} (usage: shapesweep ${command.name} ${command.usage})`);
  }
  if (max !== undefined && parsed.positionals.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])} (usage: shapesweep ${command.name} ${command.usage})`);
  }
  // parseArgs returned exactly the declared options (strict mode), so the cast only narrows the value types.
  return command.run({ values: parsed.values as never, positionals: parsed.positionals, io });
}

/**
 * Run `shapesweep` with `argv` (arguments after the program name). Resolves to the exit status; never throws for
 * command errors (it reports them on io.stderr as `shapesweep <command>: <reason>`).
 */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    (first === undefined ? io.stderr : io.stdout)(rootHelp(commands, VERSION));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (first === 'help') {
    const target = rest[0];
    if (target === undefined) {
      io.stdout(rootHelp(commands, VERSION));
      return EXIT.ok;
    }
    const command = commands.find((c) => c.name === target);
    if (command === undefined) {
      io.stderr(`shapesweep: unknown command "${target}"; commands are ${commands.map((c) => c.name).join(', ')}\n`);
      return EXIT.usage;
    }
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === first);
  if (command === undefined) {
    io.stderr(`shapesweep: unknown command "${first}"; commands are ${commands.map((c) => c.name).join(', ')} (see shapesweep --help)\n`);
    return EXIT.usage;
  }
  try {
    return await runCommand(command, rest, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`shapesweep ${command.name}: ${oneLine(message)}\n`);
    return exitCodeFor(err);
  }
}
