// Help text for the whole CLI and for one command.
import type { Command } from './command.js';

export function commandHelp(command: Command): string {
  const lines = [`Usage: shapesweep ${command.name} ${command.usage}`, '', command.summary];
  if (command.description !== undefined) lines.push('', command.description);
  const options = Object.entries(command.options);
  lines.push('', 'Options:');
  const rows = options.map(([name, spec]) => {
    const flag = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag, spec.help] as const;
  });
  rows.push(['-h, --help', 'Show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, help] of rows) lines.push(`  ${flag.padEnd(width)}  ${help}`);
  return `${lines.join('\n')}\n`;
}

export function rootHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `shapesweep ${version}: plan, run and compare Transformer shape sweeps`,
    '',
    'Usage: shapesweep <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show help for a command`,
    '',
    'Run `shapesweep <command> --help` for its options. Exit status: 0 ok, 1 failure, 2 invalid input, 3 API unreachable.',
    '',
  ].join('\n');
}
