// Every subcommand of `shapesweep`, in help order. A new command is one file in this folder plus one line here.
import type { Command } from '../command.js';
import { planCommand } from './plan.js';
import { shapesCommand } from './shapes.js';

export const COMMANDS: readonly Command[] = [shapesCommand, planCommand];
