import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { optionsJsonSchema } from './options-schema.js';

describe('plugin options as JSON Schema', () => {
  it('describes objects, required keys, bounds, enums, defaults and descriptions', () => {
    const schema = z.object({
      apiKey: z.string().min(8).describe('Upstream API key'),
      merchantNo: z.string().max(32),
      timeoutMs: z.number().int().min(100).max(10_000).default(3000),
      mode: z.enum(['live', 'test']),
      sandbox: z.boolean().optional(),
      tags: z.array(z.string()).nullable(),
    });
    expect(optionsJsonSchema(schema)).toEqual({
      type: 'object',
      properties: {
        apiKey: { type: 'string', minLength: 8, description: 'Upstream API key' },
        merchantNo: { type: 'string', maxLength: 32 },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 10_000, default: 3000 },
        mode: { type: 'string', enum: ['live', 'test'] },
        sandbox: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['apiKey', 'merchantNo', 'mode', 'tags'],
    });
  });

  it('answers {} (any value) for what it cannot describe', () => {
    expect(optionsJsonSchema(z.object({ at: z.date() }))).toEqual({ type: 'object', properties: { at: {} }, required: ['at'] });
  });
});
