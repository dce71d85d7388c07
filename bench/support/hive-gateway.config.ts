/**
 * Hive Gateway's configuration for the gateway comparison (loaded by its CLI with
 * `--config-path`). It gives the subgraphs what our gateway gives them: the shared secret,
 * and the caller's identity — `admin` for the admin bearer token, compared in constant time
 * like our gateway does; any other caller reaches the subgraphs as nobody.
 */
import { timingSafeEqual } from 'node:crypto';
import { defineConfig } from '@graphql-hive/gateway';
import { IDENTITY_HEADER, SUBGRAPH_SECRET_HEADER } from '../../subgraphs/shared/identity.js';

const secret = process.env.BENCH_SUBGRAPH_SECRET ?? '';
const expected = Buffer.from(`Bearer ${process.env.BENCH_ADMIN_TOKEN ?? ''}`);

function isAdmin(authorization: string | null): boolean {
  const given = Buffer.from(authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const gatewayConfig = defineConfig({
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({
      [SUBGRAPH_SECRET_HEADER]: secret,
      [IDENTITY_HEADER]: isAdmin(request.headers.get('authorization')) ? 'admin' : undefined,
    }),
  },
});
