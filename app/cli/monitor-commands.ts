import { readFileSync } from 'node:fs';
import type { Core } from '../../core/core.js';
import type { CollectionAccount } from '../../core/entities/index.js';
import { formatFenAsYuan, MoneyFormatError, parseYuanToFen } from '../../core/money/fen.js';
import type { CollectionAccountPatch } from '../../core/services/collection-accounts.js';
import { type CliCommand, merchantOf, type ParsedArgs, requireFlag, requirePositional, UsageError } from './command.js';

/**
 * Document 000 administration: collection accounts (personal payment codes), monitor
 * clients, third-party account agents, unmatched reports, and the SmsForwarder template.
 */

function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  if (v === undefined || typeof v === 'string') return v;
  throw new UsageError(`--${name} needs a value`);
}

/** A yuan flag (`--max 5000.00`) → fen; `--max none` clears it. */
function yuanFlag(args: ParsedArgs, name: string): number | null | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (v === 'none') return null;
  try {
    return parseYuanToFen(v);
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new UsageError(`--${name}: ${e.message}`);
    throw e;
  }
}

function intArg(value: string, what: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${what} must be a number`);
  return Number(value);
}

function accountRow(core: Core, a: CollectionAccount): Record<string, unknown> {
  return {
    id: a.id,
    payType: a.payType,
    channelCode: a.channelCode,
    accountName: a.accountName ?? '',
    client: a.monitorClient?.clientName ?? '',
    enabled: a.enabled,
    online: core.collectionAccounts.isOnline(a),
    min: a.minAmount == null ? '' : formatFenAsYuan(a.minAmount),
    max: a.maxAmount == null ? '' : formatFenAsYuan(a.maxAmount),
    dailyCap: a.dailyCap == null ? '' : formatFenAsYuan(a.dailyCap),
    qrContent: a.qrContent,
  };
}

function accountPatch(args: ParsedArgs): CollectionAccountPatch {
  const image = flag(args, 'qr-image');
  const patch: CollectionAccountPatch = {
    payType: flag(args, 'pay-type'),
    channelCode: flag(args, 'channel-code'),
    accountName: flag(args, 'name'),
    qrContent: flag(args, 'qr'),
    qrImage: image ? readFileSync(image) : undefined,
    minAmount: yuanFlag(args, 'min'),
    maxAmount: yuanFlag(args, 'max'),
    dailyCap: yuanFlag(args, 'daily-cap'),
    clientName: flag(args, 'client'),
    enabled: args.flags.disable === true ? false : args.flags.enable === true ? true : undefined,
  };
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as CollectionAccountPatch;
}

/** The JSON webhook template a merchant pastes into SmsForwarder (see docs/protocols.md). */
export const SMSFORWARDER_TEMPLATE =
  '{"from":"[from]","content":"[org_content]","title":"[title]","receive_time":"[receive_time]","device_mark":"[device_mark]","timestamp":"[timestamp]","sign":"[sign]"}';

export const monitorCommands: CliCommand[] = [
  {
    name: 'collection-account create',
    usage:
      'collection-account create --merchant PID --pay-type alipay|wxpay|qqpay|bank|unionpay --channel-code CODE (--qr CONTENT | --qr-image FILE) [--name ACCOUNT] [--client CLIENT_NAME] [--min YUAN] [--max YUAN] [--daily-cap YUAN] [--disable]',
    async run(core, args) {
      const merchant = await merchantOf(core, requireFlag(args, 'merchant'));
      const patch = accountPatch(args);
      if (!patch.payType || !patch.channelCode) throw new UsageError('--pay-type and --channel-code are required');
      const account = await core.collectionAccounts.create(core.em(), { ...patch, merchantId: merchant.id, payType: patch.payType, channelCode: patch.channelCode }, 'cli');
      const created = await core.collectionAccounts.get(core.em(), merchant.id, account.id);
      return accountRow(core, created!);
    },
  },
  {
    name: 'collection-account update',
    usage: 'collection-account update PID ID [same flags as create] [--enable|--disable] [--client NAME|--client ""] (--min/--max/--daily-cap none clears)',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      const id = intArg(requirePositional(args, 1, 'ID'), 'ID');
      await core.collectionAccounts.update(core.em(), merchant.id, id, accountPatch(args), 'cli');
      return accountRow(core, (await core.collectionAccounts.get(core.em(), merchant.id, id))!);
    },
  },
  {
    name: 'collection-account list',
    usage: 'collection-account list PID',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      return { accounts: (await core.collectionAccounts.list(core.em(), merchant.id)).map((a) => accountRow(core, a)) };
    },
  },
  {
    name: 'monitor-client list',
    usage: 'monitor-client list PID',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      const clients = await core.monitorClients.list(core.em(), merchant.id);
      return {
        clients: clients.map((c) => ({ clientName: c.clientName, online: c.online, lastHeartbeatAt: c.lastHeartbeatAt?.toISOString() ?? '', extData: c.extData ?? '' })),
      };
    },
  },
  {
    name: 'third-account create',
    usage: 'third-account create --merchant PID --account A001 --type 1   (prints the key once)',
    async run(core, args) {
      const merchant = await merchantOf(core, requireFlag(args, 'merchant'));
      const { account, key } = await core.thirdPartyAccounts.create(
        core.em(),
        { merchantId: merchant.id, account: requireFlag(args, 'account'), type: intArg(requireFlag(args, 'type'), '--type') },
        'cli',
      );
      return { id: account.id, account: account.account, type: account.type, key };
    },
  },
  {
    name: 'third-account list',
    usage: 'third-account list PID',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      const accounts = await core.thirdPartyAccounts.list(core.em(), merchant.id);
      return {
        accounts: accounts.map((a) => ({ id: a.id, account: a.account, type: a.type, enabled: a.enabled, online: a.online, key: `…${a.keyHint}` })),
      };
    },
  },
  {
    name: 'third-account rotate-key',
    usage: 'third-account rotate-key ID   (prints the new key once)',
    async run(core, args) {
      const { account, key } = await core.thirdPartyAccounts.rotateKey(core.em(), intArg(requirePositional(args, 0, 'ID'), 'ID'), 'cli');
      return { id: account.id, account: account.account, type: account.type, key };
    },
  },
  {
    name: 'third-account disable',
    usage: 'third-account disable ID   (use third-account enable ID to undo)',
    async run(core, args) {
      const account = await core.thirdPartyAccounts.setEnabled(core.em(), intArg(requirePositional(args, 0, 'ID'), 'ID'), false, 'cli');
      return { id: account.id, enabled: account.enabled };
    },
  },
  {
    name: 'third-account enable',
    usage: 'third-account enable ID',
    async run(core, args) {
      const account = await core.thirdPartyAccounts.setEnabled(core.em(), intArg(requirePositional(args, 0, 'ID'), 'ID'), true, 'cli');
      return { id: account.id, enabled: account.enabled };
    },
  },
  {
    name: 'payment-report unmatched',
    usage: 'payment-report unmatched PID   (reports that paid no order, newest first)',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      const reports = await core.reportMatching.listUnmatched(core.em(), merchant.id);
      return {
        reports: reports.map((r) => ({
          id: r.id,
          source: r.source,
          amount: formatFenAsYuan(r.amount),
          payType: r.payType,
          account: r.collectionAccountId ?? '',
          reason: r.reason ?? '',
          receivedAt: r.receivedAt.toISOString(),
        })),
      };
    },
  },
  {
    name: 'payment-report attach',
    usage: 'payment-report attach PID REPORT_ID ORDER_ID   (pays ORDER_ID with that report, if still payable)',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      const reportId = intArg(requirePositional(args, 1, 'REPORT_ID'), 'REPORT_ID');
      const outcome = await core.reportMatching.attach(core.em(), merchant.id, reportId, requirePositional(args, 2, 'ORDER_ID'), 'cli');
      return { report: outcome.report.id, status: outcome.report.status, order: outcome.order?.publicId ?? '' };
    },
  },
  {
    name: 'monitor smsforwarder',
    usage: 'monitor smsforwarder PID --base-url https://pay.example.com   (what to paste into the SmsForwarder app)',
    async run(core, args) {
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'));
      const base = requireFlag(args, 'base-url').replace(/\/+$/, '');
      return {
        webServer: `${base}/api/report/${merchant.pid}`,
        method: 'POST',
        secret: 'the merchant md5Key (printed by `merchant create`)',
        webParams: SMSFORWARDER_TEMPLATE,
      };
    },
  },
];
