import type { SecretReferenceExpander } from './secret-reference.expander.js';
import type { SecretLocation, StoredSecret } from './secret-store.js';

/** What newer servers send instead of the value when `viewSecretValue=false`. */
export const HIDDEN_SECRET_VALUE = '<hidden-by-infisical>';

/** A secret in `secrets` (list) or `secret` (single-secret routes). */
export interface SecretView {
  id: string;
  _id: string;
  workspace: string;
  environment: string;
  version: number;
  type: 'shared';
  secretKey: string;
  secretValue: string;
  secretComment: string;
  secretReminderNote: string | null;
  secretReminderRepeatDays: number | null;
  skipMultilineEncoding: boolean;
  metadata: unknown[];
  createdAt: string;
  updatedAt: string;
  secretPath: string;
  tags: unknown[];
}

/** A secret inside an `imports` entry: the server sends fewer fields there. */
export type ImportedSecretView = Pick<
  SecretView,
  'id' | '_id' | 'workspace' | 'environment' | 'version' | 'type' | 'secretKey' | 'secretValue' | 'secretComment'
>;

export interface ValueOptions {
  expandReferences: boolean;
  viewSecretValue: boolean;
}

/** The value as the query asked for it: hidden, raw, or with its references expanded. */
export function visibleValue(
  secret: StoredSecret,
  location: SecretLocation,
  options: ValueOptions,
  expander: SecretReferenceExpander,
): string {
  if (!options.viewSecretValue) return HIDDEN_SECRET_VALUE;
  return options.expandReferences ? expander.expand(secret.value, { ...location, key: secret.key }) : secret.value;
}

export function toSecretView(secret: StoredSecret, location: SecretLocation, value: string): SecretView {
  return {
    id: secret.id,
    _id: secret.id,
    workspace: location.projectId,
    environment: location.environment,
    version: secret.version,
    type: 'shared',
    secretKey: secret.key,
    secretValue: value,
    secretComment: secret.comment,
    secretReminderNote: secret.reminderNote,
    secretReminderRepeatDays: secret.reminderRepeatDays,
    skipMultilineEncoding: secret.skipMultilineEncoding,
    metadata: [],
    createdAt: secret.createdAt,
    updatedAt: secret.updatedAt,
    secretPath: location.secretPath,
    tags: [],
  };
}

export function toImportedSecretView(secret: StoredSecret, location: SecretLocation, value: string): ImportedSecretView {
  // Imported secrets carry fewer fields than the folder's own.
  const { id, _id, workspace, environment, version, type, secretKey, secretValue, secretComment } = toSecretView(secret, location, value);
  return { id, _id, workspace, environment, version, type, secretKey, secretValue, secretComment };
}
