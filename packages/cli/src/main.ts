#!/usr/bin/env node
import { AppError } from '@hatchery/core';
import { runCustomer } from './commands/customer.ts';
import { runImport } from './commands/import.ts';
import { runKey } from './commands/key.ts';
import { runOperator } from './commands/operator.ts';
import { runScore } from './commands/score.ts';
import { runWorkspace } from './commands/workspace.ts';

const USAGE = `hatchery — private-domain operations from the terminal

  hatchery workspace create <slug> [--name <name>] [--time-zone <tz>]
  hatchery workspace list
  hatchery key create <workspace> [--name <name>] [--unmask]
  hatchery key list <workspace>
  hatchery key revoke <workspace> <key-id>
  hatchery operator create <workspace> <login> --role admin|operator|analyst|viewer [--name <name>] [--password <pw>]
  hatchery operator password <workspace> <login> [--password <pw>]
  hatchery operator list <workspace>
  hatchery customer <phone|nick|id…> [--workspace <slug>] [--kind <kind>] [--unmask]
  hatchery import <file.csv|.xlsx> [--workspace <slug>] [--format <id> | --mapping <mapping.json>] [--dry-run]
  hatchery score [--workspace <slug>] [--top 10]

Uses DATABASE_URL when set, else the embedded database in HATCHERY_DATA_DIR (./.hatchery).`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  workspace: runWorkspace,
  key: runKey,
  operator: runOperator,
  customer: runCustomer,
  import: runImport,
  score: runScore,
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.log(USAGE);
  process.exit(name === undefined || name === 'help' || name === '--help' ? 0 : 2);
}
try {
  await command(rest);
} catch (error) {
  if (error instanceof AppError) {
    console.error(`error [${error.code}]: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
