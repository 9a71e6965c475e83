import type { ConfigValidationProblem } from '../errors/infisical-config-validation.error.js';
import type { SchemaViolation } from './schema-peers.loader.js';

const isUnset = (raw: string | undefined) => raw === undefined || raw.trim() === '';

/**
 * @internal One problem per failing key (nested properties as dotted paths), in class-validator's order.
 * Reads constraint names only: the messages next to them may embed the value.
 */
export function toValidationProblems(
  violations: readonly SchemaViolation[],
  values: Readonly<Record<string, string>>,
): ConfigValidationProblem[] {
  const problems: ConfigValidationProblem[] = [];
  const collect = (violation: SchemaViolation, path: string, topLevel: boolean) => {
    const rules = Object.keys(violation.constraints ?? {});
    if (rules.length > 0) {
      const missing = topLevel && isUnset(Object.hasOwn(values, path) ? values[path] : undefined);
      problems.push({ key: path, rules, missing });
    }
    for (const child of violation.children ?? []) collect(child, `${path}.${child.property}`, false);
  };
  for (const violation of violations) collect(violation, violation.property, true);
  return problems;
}
