// The plug-in contract for `shapesweep` subcommands. A command is one file under src/commands/ exporting a
// `defineCommand({...})` value, plus one line in src/commands/index.ts. Commands never touch `process`: they get
// argv already split off (parsed with node:util parseArgs), and write through `io`, so tests call them directly.

/** Process exit statuses. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed: server error, network down, run failed. */
  failure: 1,
  /** The command was asked for something invalid: bad flags, unknown names, an invalid spec, a 4xx reply. */
  usage: 2,
  /** The API could not be reached (connection refused, DNS, timeout). */
  unreachable: 3,
} as const;

/** Everything a command may reach outside itself. main.ts binds it to the process; tests to buffers. */
export interface CliIo {
  /** Write text to standard output as given (commands add their own newlines). */
  readonly stdout: (text: string) => void;
  /** Write text to standard error as given. */
  readonly stderr: (text: string) => void;
  /** Environment variables (HTTP commands read SHAPESWEEP_URL, SHAPESWEEP_TOKEN from here). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** HTTP client for commands that talk to the api. @defaultValue globalThis.fetch */
  readonly fetch: typeof fetch;
  /** Aborted on SIGINT/SIGTERM so long-running commands (watch) can stop cleanly. */
  readonly signal?: AbortSignal;
  /** Whether stdout is a terminal (watch redraws in place there). @defaultValue false */
  readonly isTTY?: boolean;
  /** Terminal width in columns, when stdout is a terminal. @defaultValue 100 */
  readonly columns?: number;
}

/** An invalid invocation: printed as one line on stderr, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option in node:util parseArgs form, plus its help text. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help for string options, e.g. "N". */
  readonly valueName?: string;
  /** One line of help, including the default. */
  readonly help: string;
}
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed option values: strings or booleans (arrays for `multiple`), absent when not given. */
export type OptionValues<O extends OptionSpecs> = {
  readonly [K in keyof O]?: O[K] extends { multiple: true }
    ? Array<O[K]['type'] extends 'boolean' ? boolean : string>
    : O[K]['type'] extends 'boolean' ? boolean : string;
};

export interface CommandContext<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
  readonly io: CliIo;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The subcommand word, e.g. "shapes". */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Argument synopsis after the command name, e.g. "NAME... [options]". */
  readonly usage: string;
  /** Paragraph(s) shown by `shapesweep <command> --help`. */
  readonly description?: string;
  /** Options (`--help` is added to every command). */
  readonly options: O;
  /** How many positional arguments the command takes. @defaultValue { min: 0, max: 0 } */
  readonly positionals?: { readonly min: number; readonly max?: number };
  /** Run the command; resolve to an exit status. Throw UsageError for invalid input. */
  run(ctx: CommandContext<O>): Promise<number>;
}

/** Identity helper that keeps the option types of a command literal. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

/** Parse an integer flag value in [min, max]; UsageError naming the flag and the value otherwise. */
export function intOption(flag: string, raw: string | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag}: expected an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}
