import type { FastifyReply } from 'fastify';
import { isCoreError, type CoreErrorCode } from '../../../core/services/errors.js';

/** The document's one response shape: `{"code":200,"message":"...","data":null}`. */
export interface Doc000Envelope {
  code: Doc000Code;
  message: string;
  data: unknown;
}

/** The codes of the document's gaps as README fixes them; the HTTP status equals the code. */
export type Doc000Code = 200 | 400 | 401 | 404 | 409 | 500;

export const SUCCESS_MESSAGE = '操作成功';

/** A refusal the routes raise; the adapter's error handler renders it. */
export class Doc000Error extends Error {
  constructor(
    readonly code: Exclude<Doc000Code, 200>,
    message: string,
  ) {
    super(message);
    this.name = 'Doc000Error';
  }
}

export function badParams(detail: string): Doc000Error {
  return new Doc000Error(400, `参数错误: ${detail}`);
}

export function sendOk(reply: FastifyReply, data: unknown = null): FastifyReply {
  return reply.code(200).send({ code: 200, message: SUCCESS_MESSAGE, data } satisfies Doc000Envelope);
}

export function sendFailure(reply: FastifyReply, code: Exclude<Doc000Code, 200>, message: string): FastifyReply {
  return reply.code(code).send({ code, message, data: null } satisfies Doc000Envelope);
}

const coreCodes: Partial<Record<CoreErrorCode, Exclude<Doc000Code, 200>>> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 401,
  not_found: 404,
  duplicate: 409,
  conflict: 409,
};

/** The envelope code and message for anything a route threw; 500 only for what is not the client's doing. */
export function failureOf(err: unknown): { code: Exclude<Doc000Code, 200>; message: string } {
  if (err instanceof Doc000Error) return { code: err.code, message: err.message };
  if (isCoreError(err)) {
    const code = coreCodes[err.code];
    if (code === 401 && err.details?.reason === 'stale_timestamp') return { code, message: '时间戳已过期' };
    if (code === 409) return { code, message: `重复请求: ${err.message}` };
    if (code === 404) return { code, message: `不存在: ${err.message}` };
    if (code === 400) return { code, message: `参数错误: ${err.message}` };
    if (code) return { code, message: err.message };
  }
  // Fastify's own refusals before a handler runs: bad JSON, unsupported content type, body too large.
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { code: 400, message: `参数错误: ${(err as Error).message}` };
  return { code: 500, message: '服务器内部错误' };
}
