import { readFileSync } from 'node:fs';
import { type CliCommand, merchantOf, requireFlag, UsageError } from './command.js';

export const integrationCommands: CliCommand[] = [
  {
    name: 'operator create',
    usage: 'operator create --name NAME   (document 002: prints uid and md5key once)',
    async run(core, args) {
      const { uid, md5key } = await core.operators.create(core.em(), { name: requireFlag(args, 'name') });
      return { uid, md5key };
    },
  },
  {
    name: 'openapi-app create',
    usage: 'openapi-app create --merchant PID --public-key FILE   (document 003)',
    async run(core, args) {
      const pid = requireFlag(args, 'merchant');
      const file = requireFlag(args, 'public-key');
      let publicKey: string;
      try {
        publicKey = readFileSync(file, 'utf8');
      } catch {
        throw new UsageError(`cannot read public key file ${file}`);
      }
      const em = core.em();
      const merchant = await merchantOf(core, pid, em);
      const { app, platformPublicKey } = await core.openApiApps.create(em, merchant, publicKey);
      return { app_id: app.appId, platformPublicKey };
    },
  },
];
