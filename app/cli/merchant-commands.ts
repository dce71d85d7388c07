import { formatFenAsYuan } from '../../core/money/fen.js';
import { MerchantStatus } from '../../core/entities/index.js';
import { type CliCommand, merchantOf, optionalFlag, requireFlag, requirePositional, UsageError } from './command.js';

export const merchantCommands: CliCommand[] = [
  {
    name: 'merchant create',
    usage: 'merchant create --name NAME [--fee-bp N]   (prints every credential once)',
    async run(core, args) {
      const feeFlag = args.flags['fee-bp'];
      const feeRateBp = typeof feeFlag === 'string' ? Number(feeFlag) : undefined;
      const issued = await core.merchants.create(core.em(), { name: requireFlag(args, 'name'), feeRateBp });
      return {
        pid: issued.pid,
        md5Key: issued.md5Key,
        appKey: issued.appKey,
        appSecret: issued.appSecret,
        apiKey: issued.apiKey,
        dashboardToken: issued.dashboardToken,
      };
    },
  },
  {
    name: 'merchant list',
    usage: 'merchant list',
    async run(core) {
      const merchants = await core.merchants.list(core.em());
      return {
        merchants: merchants.map((m) => ({ id: m.id, pid: m.pid, name: m.name, status: m.status, feeRateBp: m.feeRateBp, createdAt: m.createdAt.toISOString() })),
      };
    },
  },
  {
    name: 'merchant balance',
    usage: 'merchant balance PID   (fen, and yuan for reading)',
    async run(core, args) {
      const pid = requirePositional(args, 0, 'PID');
      const em = core.em();
      const merchant = await merchantOf(core, pid, em);
      const { available, reserved } = await core.ledger.merchantBalances(em, merchant.id);
      return { pid, available, reserved, availableYuan: formatFenAsYuan(available), reservedYuan: formatFenAsYuan(reserved) };
    },
  },

  {
    name: 'merchant set',
    usage: 'merchant set PID [--name NAME] [--status active|disabled] [--fee-bp N]   (audited; disabled stops every credential)',
    async run(core, args) {
      const em = core.em();
      const merchant = await merchantOf(core, requirePositional(args, 0, 'PID'), em);
      const status = optionalFlag(args, 'status');
      if (status !== undefined && !Object.values(MerchantStatus).includes(status as MerchantStatus)) {
        throw new UsageError('--status takes active or disabled');
      }
      const fee = optionalFlag(args, 'fee-bp');
      const updated = await core.merchants.update(
        em,
        merchant.id,
        { name: optionalFlag(args, 'name'), status: status as MerchantStatus | undefined, feeRateBp: fee === undefined ? undefined : Number(fee) },
        'cli',
      );
      return { pid: updated.pid, name: updated.name, status: updated.status, feeRateBp: updated.feeRateBp };
    },
  },
];
