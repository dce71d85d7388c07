import type { ZodTypeAny } from 'zod';

type JsonSchema = Record<string, unknown>;

interface ZodDefLike {
  typeName?: string;
  shape?: () => Record<string, ZodTypeAny>;
  innerType?: ZodTypeAny;
  schema?: ZodTypeAny;
  type?: ZodTypeAny;
  values?: unknown[];
  value?: unknown;
  defaultValue?: () => unknown;
  checks?: Array<{ kind: string; value?: number; inclusive?: boolean }>;
}

/**
 * A plugin's zod options schema as JSON Schema, so the admin console can draw a form
 * for it. Covers what option schemas use (objects, strings, numbers, booleans, enums,
 * literals, arrays, optional/nullable/default); anything else is `{}` (any value), which
 * the server still validates with the zod schema itself.
 */
export function optionsJsonSchema(schema: ZodTypeAny): JsonSchema {
  const def = (schema as unknown as { _def: ZodDefLike })._def;
  const described = (s: JsonSchema): JsonSchema => (schema.description ? { ...s, description: schema.description } : s);
  switch (def.typeName) {
    case 'ZodObject': {
      const shape = def.shape?.() ?? {};
      const required = Object.entries(shape)
        .filter(([, v]) => !v.isOptional())
        .map(([k]) => k);
      const properties = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, optionsJsonSchema(v)]));
      return described({ type: 'object', properties, ...(required.length ? { required } : {}) });
    }
    case 'ZodString':
      return described({ type: 'string', ...bounds(def, 'minLength', 'maxLength') });
    case 'ZodNumber': {
      const integer = def.checks?.some((c) => c.kind === 'int');
      return described({ type: integer ? 'integer' : 'number', ...bounds(def, 'minimum', 'maximum') });
    }
    case 'ZodBoolean':
      return described({ type: 'boolean' });
    case 'ZodEnum':
      return described({ type: 'string', enum: def.values ?? [] });
    case 'ZodLiteral':
      return described({ const: def.value });
    case 'ZodArray':
      return described({ type: 'array', items: def.type ? optionsJsonSchema(def.type) : {} });
    case 'ZodOptional':
    case 'ZodNullable':
      return described(def.innerType ? optionsJsonSchema(def.innerType) : {});
    case 'ZodDefault':
      return described({ ...(def.innerType ? optionsJsonSchema(def.innerType) : {}), default: def.defaultValue?.() });
    case 'ZodEffects':
      return described(def.schema ? optionsJsonSchema(def.schema) : {});
    default:
      return described({});
  }
}

function bounds(def: ZodDefLike, minKey: string, maxKey: string): JsonSchema {
  const out: JsonSchema = {};
  for (const check of def.checks ?? []) {
    if (check.kind === 'min' && check.value !== undefined) out[minKey] = check.value;
    if (check.kind === 'max' && check.value !== undefined) out[maxKey] = check.value;
  }
  return out;
}
