import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQrImage, QrImageError } from './decode-qr-image.js';

const alipayCode = 'https://qr.alipay.com/fkx19283ahsdk2k3jd8sd';

describe('decodeQrImage', () => {
  it('reads the content of a PNG payment code', async () => {
    const png = await QRCode.toBuffer(alipayCode, { type: 'png', margin: 4, scale: 6 });
    expect(decodeQrImage(png)).toBe(alipayCode);
  });

  it('reads the content of a JPEG payment code (a photo or saved image)', async () => {
    const png = PNG.sync.read(await QRCode.toBuffer('wxp://f2f0Hx8Qk2-example', { type: 'png', margin: 4, scale: 8 }));
    const jpg = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 85);
    expect(decodeQrImage(jpg.data)).toBe('wxp://f2f0Hx8Qk2-example');
  });

  it('refuses what is not an image, and an image without a code', () => {
    expect(() => decodeQrImage(Buffer.from('hello'))).toThrow(QrImageError);
    const blank = new PNG({ width: 64, height: 64 });
    blank.data.fill(255);
    expect(() => decodeQrImage(PNG.sync.write(blank))).toThrow(/no QR code/);
    expect(() => decodeQrImage(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(20)]))).toThrow(/unreadable/);
  });
});
