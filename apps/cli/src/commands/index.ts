// Every subcommand of `shapesweep`, in help order. A new command is one file in this folder plus one line here.
import type { Command } from '../command.js';
import { cancelCommand } from './cancel.js';
import { fitCommand } from './fit.js';
import { frontierCommand } from './frontier.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { resultsCommand } from './results.js';
import { retryCommand } from './retry.js';
import { runsCommand } from './runs.js';
import { shapesCommand } from './shapes.js';
import { statusCommand } from './status.js';
import { submitCommand } from './submit.js';
import { tokenCommand } from './token.js';
import { watchCommand } from './watch.js';
import { workerCommand } from './worker.js';
import { workersCommand } from './workers.js';

export const COMMANDS: readonly Command[] = [
  // offline
  shapesCommand,
  planCommand,
  // the API (--api URL, token from SHAPESWEEP_TOKEN or ~/.shapesweep/token)
  submitCommand,
  statusCommand,
  watchCommand,
  runsCommand,
  resultsCommand,
  frontierCommand,
  fitCommand,
  reportCommand,
  cancelCommand,
  retryCommand,
  workersCommand,
  tokenCommand,
  // this machine
  workerCommand,
];
