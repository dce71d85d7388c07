/**
 * Admin CLI: `npm run cli -- <group> <action> [args] [--json]`. Same configuration as the
 * server (DATABASE_URL, SECRET_KEY, …). With --json it prints exactly one JSON object on
 * stdout; errors go to stderr as one line and exit non-zero.
 */
import 'reflect-metadata';
import { ConfigError } from '../core/config.js';
import { isCoreError } from '../core/services/errors.js';
import { bootCore } from './boot.js';
import { UsageError } from './cli/command.js';
import { cliCommands } from './cli/index.js';

function usage(): string {
  return ['usage: npm run cli -- <command> [--json]', '', ...cliCommands.map((c) => `  ${c.usage}`)].join('\n');
}

function printHuman(result: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(result)) {
    if (Array.isArray(v)) {
      console.log(`${k}:`);
      for (const row of v) console.log(`  ${typeof row === 'object' ? Object.entries(row as object).map(([a, b]) => `${a}=${String(b)}`).join('  ') : String(row)}`);
    } else console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
}

/** `--flag value`, `--flag=value`, and bare `--json`-style switches; everything else is positional. */
function parseArgv(argv: string[]): { positionals: string[]; values: Record<string, string | boolean> } {
  const positionals: string[] = [];
  const values: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) values[arg.slice(2, eq)] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) values[arg.slice(2)] = argv[++i]!;
    else values[arg.slice(2)] = true;
  }
  return { positionals, values };
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgv(argv);
  const json = values.json === true;
  const name = positionals.slice(0, 2).join(' ');
  const command = cliCommands.find((c) => c.name === name);
  if (!command) {
    console.error(name ? `unknown command "${name}"\n${usage()}` : usage());
    return 2;
  }
  const flags = values;
  // The CLI applies pending migrations on the embedded default, like `npm start`.
  const core = await bootCore({ migrate: !process.env.DATABASE_URL?.startsWith('postgres') });
  try {
    const result = await command.run(core, { positionals: positionals.slice(2), flags });
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else printHuman(result);
    return 0;
  } finally {
    await core.orm.close(true);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const known = err instanceof UsageError || err instanceof ConfigError || isCoreError(err);
    console.error(`paymesh cli: ${known ? (err as Error).message : `failed: ${err instanceof Error ? err.message : String(err)}`}`);
    process.exit(known ? 2 : 1);
  },
);
