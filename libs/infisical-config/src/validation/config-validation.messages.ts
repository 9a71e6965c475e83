// Messages of the schema validation. None of them takes a value: only key names, rule names and sources.

import type { ConfigValidationProblem } from '../errors/infisical-config-validation.error.js';

const SOURCE_NAMES: Readonly<Record<string, string>> = {
  infisical: 'Infisical',
  'file-cache': 'the encrypted file cache (fallback)',
  dotenv: 'the .env files (fallback)',
};

const describeProblem = ({ key, rules, missing }: ConfigValidationProblem) =>
  missing ? `${key}: missing (${rules.join(', ')})` : `${key}: ${rules.join(', ')}`;

export const CONFIG_VALIDATION_FAILED = (schemaName: string, problems: readonly ConfigValidationProblem[], source: string) =>
  `Configuration does not match ${schemaName} (${problems.length} key${problems.length === 1 ? '' : 's'}):\n` +
  problems.map((problem) => `  - ${describeProblem(problem)}`).join('\n') +
  `\nThe values come from ${SOURCE_NAMES[source] ?? source}. Fix them in Infisical (or the fallback named), or the schema.`;

export const SCHEMA_PEERS_MISSING =
  'InfisicalConfigModule: a configuration schema needs class-validator and class-transformer, which are ' +
  'optional peer dependencies. Run: npm install class-validator class-transformer';

export const TYPED_KEY_UNSET = (key: string) =>
  `Configuration key "${key}" is undefined or null in the validated configuration.`;
