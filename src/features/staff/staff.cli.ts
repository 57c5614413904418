import type { CliCommand, CliValues, Services } from '../../infra/services.js';
import { StaffInputError } from './staff.rules.js';
import { createStaffAccount } from './staff.service.js';

export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleOutput: CliOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

function text(values: CliValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `rally user add` against an open database; split out so tests run it on both dialects. */
export async function addUserCommand(
  services: Services,
  values: CliValues,
  io: CliOutput = consoleOutput,
): Promise<number> {
  const email = text(values, 'email');
  const role = text(values, 'role');
  if (!email || !role) {
    io.err('rally user add: --email and --role are required.');
    io.err('  e.g. rally user add --email sam@example.org --role organiser');
    return 2;
  }
  try {
    const created = await createStaffAccount(
      services,
      { email, role, name: text(values, 'name'), password: text(values, 'password') },
      null,
    );
    io.out(`Added ${created.email} as ${role}.`);
    if (created.generated)
      io.out(`Password: ${created.password}\n(shown once; change it at /admin/account)`);
    return 0;
  } catch (err) {
    if (!(err instanceof StaffInputError)) throw err;
    io.err(`rally user add: ${err.message}`);
    return 2;
  }
}

export const staffCli: Record<string, CliCommand> = {
  'user add': {
    summary: 'Add a staff account',
    usage: '--email E --role viewer|moderator|organiser|owner [--name N] [--password P]',
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
    },
    run: async (values, _positionals, cli) =>
      cli.withServices((services) => addUserCommand(services, values)),
  },
};
