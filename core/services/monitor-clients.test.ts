import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { createHeartbeatHandlers } from '../../adapters/heartbeat-handlers/index.js';
import { onPostgres, setupTestCore } from '../../test/support/core.js';
import { createCore } from '../core.js';
import { CollectionAccount, MonitorClient, PayInOrder, PayInStatus, ReportReplay } from '../entities/index.js';
import type { HeartbeatEvent, HeartbeatHandler } from '../ports/index.js';
import { startOfShanghaiDay } from './collection-accounts.js';

const core = await setupTestCore({ HEARTBEAT_OFFLINE_SECONDS: '60' });

async function merchant(): Promise<number> {
  return (await core.merchants.create(core.em(), { name: 'Heartbeat Shop' })).merchant.id;
}

function guard(signature = `${Math.random()}`) {
  return { caller: 'test', signature, timestamp: new Date() };
}

describe(`monitor clients and collection accounts on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('a heartbeat marks its client and the accounts it serves online; silence past HEARTBEAT_OFFLINE_SECONDS marks them offline', async () => {
    const m = await merchant();
    const served = await core.collectionAccounts.create(core.em(), { merchantId: m, payType: 'alipay', channelCode: 'ali_qr', qrContent: 'https://qr.alipay.com/a', clientName: 'phone-1' });
    const other = await core.collectionAccounts.create(core.em(), { merchantId: m, payType: 'alipay', channelCode: 'ali_qr', qrContent: 'https://qr.alipay.com/b' });
    const t0 = new Date();
    const event = await core.em().transactional((em) => core.monitorClients.heartbeat(em, { merchantId: m, clientName: 'phone-1', now: t0 }));
    expect(event.collectionAccountIds).toEqual([served.id]);
    let views = await core.collectionAccounts.views(core.em(), m, 'alipay', t0);
    expect(views.map((v) => [v.id, v.online])).toEqual([
      [served.id, true],
      [other.id, false],
    ]);
    // 61 s later the account reads offline for allocation even before any sweep…
    const later = new Date(t0.getTime() + 61_000);
    views = await core.collectionAccounts.views(core.em(), m, 'alipay', later);
    expect(views.find((v) => v.id === served.id)!.online).toBe(false);
    // …and the sweep writes it down (idempotently).
    expect(await core.monitorClients.sweepOffline(core.em(), new Date(t0.getTime() + 30_000))).toEqual({ clients: 0, accounts: 0 });
    const swept = await core.monitorClients.sweepOffline(core.em(), later);
    expect(swept.clients).toBeGreaterThanOrEqual(1);
    expect(await core.em().findOneOrFail(CollectionAccount, { id: served.id })).toMatchObject({ online: false });
    expect(await core.em().findOneOrFail(MonitorClient, { merchant: m, clientName: 'phone-1' })).toMatchObject({ online: false });
  });

  it('channel_id binds an account to the client that reports it; two first heartbeats of a new client race safely', async () => {
    const m = await merchant();
    const account = await core.collectionAccounts.create(core.em(), { merchantId: m, payType: 'wxpay', channelCode: 'wx', qrContent: 'wxp://f2f0x' });
    await Promise.all(
      [1, 2, 3].map(() => core.em().transactional((em) => core.monitorClients.heartbeat(em, { merchantId: m, clientName: '客户端A', channelId: account.id }))),
    );
    expect(await core.em().count(MonitorClient, { merchant: m })).toBe(1);
    const bound = await core.em().findOneOrFail(CollectionAccount, { id: account.id }, { populate: ['monitorClient'] });
    expect(bound.monitorClient?.clientName).toBe('客户端A');
    expect(bound.online).toBe(true);
  });

  it('hands ext_data with its client to every heartbeat handler; a failing handler does not fail the heartbeat', async () => {
    const m = await merchant();
    const seen: HeartbeatEvent[] = [];
    const recorder: HeartbeatHandler = { id: 'recorder', handle: async (e) => void seen.push(e) };
    const broken: HeartbeatHandler = {
      id: 'broken',
      handle: async () => {
        throw new Error('plugin bug');
      },
    };
    const debugLines: unknown[] = [];
    const handlers = [recorder, broken, ...createHeartbeatHandlers({ log: { debug: (obj: unknown) => void debugLines.push(obj) } as never })];
    const withHandlers = createCore({ config: core.config, orm: core.orm, secrets: core.secrets, heartbeatHandlers: handlers });

    const outcome = await withHandlers.monitorReports.heartbeat(withHandlers.em(), { merchantId: m, clientName: 'phone-x', extData: '{"battery":87,"version":"2.1"}' }, guard());
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ merchantId: m, clientName: 'phone-x', extDataRaw: '{"battery":87,"version":"2.1"}', extData: { battery: 87, version: '2.1' } });
    expect(outcome.handlerFailures).toEqual([{ handler: 'broken', error: 'plugin bug' }]);
    expect(debugLines).toEqual([expect.objectContaining({ clientName: 'phone-x', extDataKeys: ['battery', 'version'] })]);
    expect(await core.em().findOneOrFail(MonitorClient, { merchant: m, clientName: 'phone-x' })).toMatchObject({ online: true, extData: '{"battery":87,"version":"2.1"}' });

    // Not JSON: handed over raw, parsed as null.
    await withHandlers.monitorReports.heartbeat(withHandlers.em(), { merchantId: m, clientName: 'phone-x', extData: 'battery=87' }, guard());
    expect(seen[1]).toMatchObject({ extDataRaw: 'battery=87', extData: null });
  });

  it('a refused heartbeat (replay, stale timestamp, unknown channel_id) writes nothing, not even its replay claim', async () => {
    const m = await merchant();
    const g = guard('sig-1');
    await core.monitorReports.heartbeat(core.em(), { merchantId: m, clientName: 'p' }, g);
    const replays = await core.em().count(ReportReplay, {});
    await expect(core.monitorReports.heartbeat(core.em(), { merchantId: m, clientName: 'q' }, g)).rejects.toMatchObject({ code: 'duplicate' });
    await expect(
      core.monitorReports.heartbeat(core.em(), { merchantId: m, clientName: 'q' }, { ...guard(), timestamp: new Date(Date.now() - 3_600_000) }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(core.monitorReports.heartbeat(core.em(), { merchantId: m, clientName: 'q', channelId: 999_999 }, guard())).rejects.toMatchObject({ code: 'not_found' });
    expect(await core.em().count(MonitorClient, { merchant: m, clientName: 'q' })).toBe(0);
    expect(await core.em().count(ReportReplay, {})).toBe(replays);
  });

  it('stores the content of an uploaded QR image, and validates accounts', async () => {
    const m = await merchant();
    const image = await QRCode.toBuffer('https://qr.alipay.com/fkx0123456789', { type: 'png', scale: 6 });
    const account = await core.collectionAccounts.create(core.em(), { merchantId: m, payType: 'alipay', channelCode: 'ali_qr', qrImage: image, minAmount: 100, maxAmount: 500_000, dailyCap: 1_000_000 });
    expect(account.qrContent).toBe('https://qr.alipay.com/fkx0123456789');
    const base = { merchantId: m, channelCode: 'c', qrContent: 'x' };
    await expect(core.collectionAccounts.create(core.em(), { ...base, payType: 'paypal' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(core.collectionAccounts.create(core.em(), { ...base, payType: 'alipay', minAmount: 500, maxAmount: 100 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(core.collectionAccounts.create(core.em(), { ...base, payType: 'alipay', qrContent: null, qrImage: Buffer.from('not an image') })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/QR image/),
    });
    await expect(core.collectionAccounts.create(core.em(), { ...base, payType: 'alipay', qrContent: null })).rejects.toMatchObject({ code: 'invalid_input' });
    await core.collectionAccounts.create(core.em(), { ...base, payType: 'alipay', accountName: 'same' });
    await expect(core.collectionAccounts.create(core.em(), { ...base, payType: 'alipay', accountName: 'same' })).rejects.toMatchObject({ code: 'duplicate' });

    const updated = await core.collectionAccounts.update(core.em(), m, account.id, { enabled: false, maxAmount: null });
    expect(updated).toMatchObject({ enabled: false, maxAmount: null, minAmount: 100 });
    expect((await core.collectionAccounts.views(core.em(), m, 'alipay')).some((v) => v.id === account.id)).toBe(false);
  });

  it('counts what an account received today (Asia/Shanghai day) for its daily cap', async () => {
    const m = await merchant();
    const account = await core.collectionAccounts.create(core.em(), { merchantId: m, payType: 'alipay', channelCode: 'ali_qr', qrContent: 'q', dailyCap: 10_000 });
    const now = new Date('2026-11-22T03:00:00Z'); // 11:00 in Shanghai
    expect(startOfShanghaiDay(now).toISOString()).toBe('2026-11-21T16:00:00.000Z');
    const em = core.em();
    const paidAt = [new Date('2026-11-21T15:59:00Z'), new Date('2026-11-21T16:01:00Z'), new Date('2026-11-22T02:00:00Z')];
    for (const [i, at] of paidAt.entries()) {
      em.create(PayInOrder, {
        publicId: `pi_cap_${m}_${i}`,
        merchant: m,
        mrn: `cap-${i}`,
        channelId: 2,
        channelPlugin: 'monitor',
        originAmount: 1000,
        payableAmount: 1000,
        paidAmount: 1000,
        status: PayInStatus.Paid,
        callbackUrl: 'https://x',
        returnUrl: 'https://x',
        collectionAccountId: account.id,
        expiresAt: at,
        paidAt: at,
      });
    }
    await em.flush();
    const [view] = await core.collectionAccounts.views(core.em(), m, 'alipay', now);
    expect(view!.receivedToday).toBe(2000);
  });
});
