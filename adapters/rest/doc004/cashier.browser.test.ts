import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../../app/http.js';
import { paymentChannelPlugins } from '../../channels/index.js';
import { createCore } from '../../../core/core.js';
import { Channel } from '../../../core/entities/index.js';
import type { PaymentChannelPlugin } from '../../../core/ports/index.js';
import { startCallbackReceiver, type CallbackReceiver } from '../../../test/support/callback-receiver.js';
import { setupTestCore } from '../../../test/support/core.js';
import { issueDoc004Merchant, postJson, signPayIn, type Doc004Merchant } from '../../../test/support/doc004.js';
import { repoRoot } from '../../../test/support/processes.js';

const CHROMIUM = '/usr/bin/chromium';
const jsQR = jsQRModule.default; // a CommonJS bundle: under NodeNext the function is its `default`

/** What a phone camera would read from the QR as rendered on screen. */
async function scanQr(page: Page): Promise<string | null> {
  const png = PNG.sync.read(await page.locator('#qr').screenshot());
  return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
}
const haveChromium = existsSync(CHROMIUM);

/** An allocating channel (like document 000's monitor) that shifts the amount by one fen. */
const shifting: PaymentChannelPlugin = {
  id: 'test-shifting',
  displayName: 'Shifting test channel',
  async planPayAction(request) {
    return { candidates: [{ collectionAccountId: 1, payableAmount: request.amount - 1, action: { kind: 'qr', content: 'wxp://f2f0-test' } }] };
  },
};

const base = await setupTestCore();
const core = createCore({ config: base.config, orm: base.orm, secrets: base.secrets, channels: [...paymentChannelPlugins, shifting] });
let app: Awaited<ReturnType<typeof buildHttpServer>>;
let url = '';
let merchantSite: CallbackReceiver;
let shop: Doc004Merchant;
let browser: Browser | undefined;

beforeAll(async () => {
  app = await buildHttpServer({ core });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  merchantSite = await startCallbackReceiver(() => ({ status: 200, body: 'back at the shop' }));
  shop = await issueDoc004Merchant(core);
  if (haveChromium) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }
});
afterAll(async () => {
  await browser?.close();
  await app.close();
  await merchantSite.close();
});

async function createPayIn(mrn: string, amount: string, channelId: number): Promise<string> {
  const body = signPayIn(
    { amount, appKey: shop.appKey, callbackUrl: `${merchantSite.url}/notify`, channelId, mrn, returnUrl: `${merchantSite.url}/return?mrn=${mrn}` },
    shop.appSecret,
  );
  const reply = (await postJson(`${url}/api/Pay/Create`, body)).json as { success: boolean; payUrl: string; errorMsg: string };
  expect(reply.errorMsg).toBe('');
  return reply.payUrl;
}

/** A phone-sized page that records every request and every console error. */
async function phonePage(): Promise<{ page: Page; requested: string[]; errors: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const requested: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, requested, errors };
}

describe.skipIf(!haveChromium)(`cashier page in headless Chromium${haveChromium ? '' : ' (skipped: /usr/bin/chromium is not installed; .ci/run installs it)'}`, () => {
  it('shows amount, QR and a running countdown on a phone, pays through the sandbox and returns the payer', async () => {
    const payUrl = await createPayIn('BROWSER-1', '12.34', 1);
    const { page, requested, errors } = await phonePage();
    await page.goto(`${url}${payUrl}`);

    expect(await page.textContent('#amount-value')).toBe('12.34');
    // The QR, as rendered, carries the sandbox's absolute pay URL for this order and amount.
    const scanned = await scanQr(page);
    expect(scanned).toMatch(new RegExp(`^${url.replace(/\./g, '\\.')}/channels/sandbox/notify\\?order=pi_[\\w-]+&amount=1234&sig=[\\w-]+$`));
    const qr = await page.locator('#qr svg').boundingBox();
    expect(qr!.width).toBeGreaterThan(150);
    expect(qr!.x + qr!.width).toBeLessThanOrEqual(390);
    const first = await page.textContent('#countdown');
    expect(first).toMatch(/^1[45]:[0-5]\d$/);
    await expect.poll(() => page.textContent('#countdown'), { timeout: 3000, interval: 200 }).not.toBe(first);
    // Nothing wider than the phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    // The checked-in docs/cashier.png is refreshed on purpose (UPDATE_SCREENSHOTS=1), so
    // an ordinary test run never dirties the work tree.
    const shotDir = join(repoRoot, process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : 'data');
    mkdirSync(shotDir, { recursive: true });
    await page.screenshot({ path: join(shotDir, 'cashier.png'), fullPage: true });

    await page.click('#simulate');
    await page.waitForURL(`${merchantSite.url}/return?mrn=BROWSER-1`, { timeout: 8000 });
    expect(await page.textContent('body')).toContain('back at the shop');

    // Everything the page loaded came from our server (no CDN), and nothing broke (CSP included).
    expect(requested.filter((r) => !r.startsWith(url) && !r.startsWith(merchantSite.url))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the exact allocated amount when a channel shifts it, with a note to pay it exactly', async () => {
    await core.em().nativeUpdate(Channel, { id: 11 }, { plugin: 'test-shifting' });
    try {
      const payUrl = await createPayIn('BROWSER-2', '50.00', 11);
      const { page, errors } = await phonePage();
      await page.goto(`${url}${payUrl}`);
      expect(await page.textContent('#amount-value')).toBe('49.99');
      expect(await page.isVisible('#exact-note')).toBe(true);
      expect(await page.isVisible('#simulate')).toBe(false);
      expect(await scanQr(page)).toBe('wxp://f2f0-test');
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await core.em().nativeUpdate(Channel, { id: 11 }, { plugin: null });
    }
  });
});
