import type { EntityManager } from '@mikro-orm/knex';
import type { Core } from '../../core/core.js';
import type { Merchant } from '../../core/entities/index.js';

export class UsageError extends Error {}

/** The merchant a command names by pid (read through `em` when the command writes with it). */
export async function merchantOf(core: Core, pid: string, em: EntityManager = core.em()): Promise<Merchant> {
  const merchant = await core.merchants.byPid(em, pid);
  if (!merchant) throw new UsageError(`no merchant with pid ${pid}`);
  return merchant;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean>;
}

/** One admin command: `group action`, e.g. `merchant create`. Returns the JSON it prints. */
export interface CliCommand {
  name: string;
  usage: string;
  run(core: Core, args: ParsedArgs): Promise<Record<string, unknown>>;
}

export function requireFlag(args: ParsedArgs, name: string): string {
  const v = args.flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function requirePositional(args: ParsedArgs, index: number, what: string): string {
  const v = args.positionals[index];
  if (!v) throw new UsageError(`${what} is required`);
  return v;
}

/** A flag that takes a value, when given; a bare `--flag` with no value is a usage error. */
export function optionalFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  return v;
}
