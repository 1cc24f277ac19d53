import type { Bytes } from './case.js';

/** The bytes a `Bytes` value stands for. */
export function toBuffer(bytes: Bytes): Buffer {
  if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
  if ('base64' in bytes) return Buffer.from(bytes.base64, 'base64');
  return Buffer.alloc(bytes.size, bytes.fill);
}

/** Every byte value once, 0x00 to 0xff: a body no text encoding survives by accident. */
export const ALL_BYTE_VALUES: Bytes = {
  base64: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('base64'),
};
