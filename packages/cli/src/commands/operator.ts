import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  AppError,
  createOperator,
  getWorkspace,
  listOperators,
  ROLES,
  setOperatorPassword,
} from '@hatchery/core';
import { withDb } from '../with-db.ts';

const USAGE = `usage: hatchery operator create <workspace> <login> --role ${ROLES.join('|')} [--name <display name>] [--password <pw>]
       hatchery operator password <workspace> <login> [--password <pw>]
       hatchery operator list <workspace>`;

/** Console operators. Without --password the password is read from the terminal (not echoed) or stdin. */
export async function runOperator(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
  });
  const [action, slug, login] = positionals;
  if (!slug || (action !== 'list' && !login)) {
    throw new AppError('invalid_request', USAGE);
  }
  // Asked before the database opens: the embedded one is held for as short a time as possible.
  const password = action === 'list' ? '' : (values.password ?? (await readPassword()));
  await withDb(async (db, config) => {
    const workspace = await getWorkspace(db, config.masterSecret, slug);
    if (action === 'create' && login) {
      if (!values.role) {
        throw new AppError('invalid_request', USAGE);
      }
      const op = await createOperator(
        db,
        workspace,
        { login, role: values.role, password, displayName: values.name },
        'cli',
      );
      console.log(`operator ${op.login} (${op.role}) created in ${slug}`);
    } else if (action === 'password' && login) {
      await setOperatorPassword(db, workspace, login, password, 'cli');
      console.log(`password of ${login} in ${slug} changed`);
    } else if (action === 'list') {
      for (const op of await listOperators(db, workspace)) {
        const locked = op.locked_until && op.locked_until > new Date() ? '\tlocked' : '';
        console.log(`${op.id}\t${op.login}\t${op.role}\t${op.display_name}${locked}`);
      }
    } else {
      throw new AppError('invalid_request', USAGE);
    }
  });
}

async function readPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stdout.write('password: ');
    // Mute the echo: readline writes what is typed through _writeToOutput.
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  }
  const line = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  if (process.stdin.isTTY) {
    process.stdout.write('\n');
  }
  return line;
}
