// Registers an API client of one factory and prints its secret (shown once; only a scrypt hash is stored).
// Usage: npm run factory:client -- --factory widgets --name orders [--secret <secret>]
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { loadFactoryConfig } from '../subgraphs/factory/src/config.ts';
import { FACTORY_IDS } from '../subgraphs/factory/src/factory/factories.ts';
import { ApiClientRepository } from '../subgraphs/factory/src/clients/api-client.repository.ts';
import { generateSecret } from '../subgraphs/factory/src/clients/secret-hash.ts';

const { values } = parseArgs({
  options: { factory: { type: 'string' }, name: { type: 'string' }, secret: { type: 'string' } },
});
if (!values.factory || !(FACTORY_IDS as readonly string[]).includes(values.factory) || !values.name) {
  console.error(
    `usage: npm run factory:client -- --factory <${FACTORY_IDS.join('|')}> --name <client> [--secret <secret>]`,
  );
  process.exit(2);
}
const config = loadFactoryConfig();
const mongo = await new MongoClient(config.MONGODB_URL).connect();
try {
  const secret = values.secret ?? generateSecret();
  await new ApiClientRepository(mongo.db(`${config.FACTORY_DB_PREFIX}${values.factory}`)).register(
    values.name,
    secret,
  );
  console.log(`client ${values.name} of ${values.factory} registered`);
  console.log(`secret: ${secret}`);
  console.log(`authorization: Basic ${Buffer.from(`${values.name}:${secret}`).toString('base64')}`);
} finally {
  await mongo.close();
}
