import jpeg from 'jpeg-js';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

export class QrImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QrImageError';
  }
}

/** Screenshots of payment codes are small; anything larger is refused before decoding. */
// jsqr is a CommonJS bundle whose function is also its own `default`; under NodeNext the
// default import is the module object, so the function is read from it explicitly.
const jsQR = jsQRModule.default;

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_MEGAPIXELS = 24;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

function rgba(image: Buffer): { data: Uint8ClampedArray; width: number; height: number } {
  if (image.subarray(0, 4).equals(PNG_MAGIC)) {
    const png = PNG.sync.read(image);
    if (png.width * png.height > MAX_MEGAPIXELS * 1_000_000) throw new QrImageError('image is too large');
    return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
  }
  if (image.subarray(0, 3).equals(JPEG_MAGIC)) {
    const jpg = jpeg.decode(image, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 256 });
    return { data: new Uint8ClampedArray(jpg.data.buffer, jpg.data.byteOffset, jpg.data.length), width: jpg.width, height: jpg.height };
  }
  throw new QrImageError('not a PNG or JPEG image');
}

/**
 * The text of the QR code in an uploaded payment-code image (PNG or JPEG), e.g.
 * `https://qr.alipay.com/fkx…` or `wxp://f2f0…`. Merchants usually have a screenshot of
 * their personal code, not its content; storing the content lets the cashier render a
 * clean code of its own.
 */
export function decodeQrImage(image: Buffer): string {
  if (image.length === 0) throw new QrImageError('empty image');
  if (image.length > MAX_IMAGE_BYTES) throw new QrImageError('image is larger than 5 MiB');
  let pixels: ReturnType<typeof rgba>;
  try {
    pixels = rgba(image);
  } catch (e) {
    if (e instanceof QrImageError) throw e;
    throw new QrImageError(`unreadable image: ${(e as Error).message}`);
  }
  const code = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: 'attemptBoth' });
  if (!code || !code.data) throw new QrImageError('no QR code found in the image');
  return code.data;
}
