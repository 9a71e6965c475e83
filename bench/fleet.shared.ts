// Names and value shapes shared by fleet.bench and its children. Values are made here and in the children,
// compared there, and never printed.
export { CLIENT_ID, CLIENT_SECRET, ENVIRONMENT, keyName, PROJECT } from './refresh-shared.js';

/** The key item 2 rotates (beside the others of the seed). */
export const ROTATED_KEY = 'DB_PASSWORD';
export const WEBHOOK_PATH = 'webhooks/infisical';

/** A value of ~40 characters, like a real secret's; `gen` changes every value at once. */
export const valueOf = (index: number, gen: number) => `${'v'.repeat(30)}-${gen.toString(36)}-${index.toString(36)}`;
