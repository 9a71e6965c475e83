import { validationFailure } from './infisical-error.replies.js';
import type { ValidationIssue } from './infisical-error.replies.js';

/** Zod's name for a value's type, used in its `received` field. */
function zodTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Reads query or body fields and collects every problem as a Zod issue, like Infisical's schema
 * validation; `finish()` throws one ValidationFailure listing them all.
 */
export class RequestFieldsReader {
  private readonly issues: ValidationIssue[] = [];

  private constructor(private readonly read: (field: string) => unknown) {}

  static fromQuery(query: URLSearchParams): RequestFieldsReader {
    return new RequestFieldsReader((field) => query.get(field) ?? undefined);
  }

  /** JSON body fields; `fallback` lets DELETE also accept them in the query string. */
  static fromBody(body: unknown, fallback?: URLSearchParams): RequestFieldsReader {
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return new RequestFieldsReader((field) => fields[field] ?? fallback?.get(field) ?? undefined);
  }

  requiredString(field: string): string {
    const value = this.read(field);
    if (typeof value === 'string') return value;
    this.issues.push(
      value === undefined
        ? { code: 'invalid_type', expected: 'string', received: 'undefined', path: [field], message: 'Required' }
        : this.typeIssue(field, 'string', value),
    );
    return '';
  }

  optionalString(field: string): string | undefined {
    const value = this.read(field);
    if (value === undefined || typeof value === 'string') return value;
    this.issues.push(this.typeIssue(field, 'string', value));
    return undefined;
  }

  /** Query booleans are the strings 'true' / 'false' (z.enum(['true', 'false'])). */
  booleanFlag(field: string, fallback: boolean): boolean {
    const value = this.read(field);
    if (value === undefined) return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    this.issues.push({
      received: String(value),
      code: 'invalid_enum_value',
      options: ['true', 'false'],
      path: [field],
      message: `Invalid enum value. Expected 'true' | 'false', received '${String(value)}'`,
    });
    return fallback;
  }

  optionalBoolean(field: string): boolean | undefined {
    const value = this.read(field);
    if (value === undefined || typeof value === 'boolean') return value;
    this.issues.push(this.typeIssue(field, 'boolean', value));
    return undefined;
  }

  optionalNullableString(field: string): string | null | undefined {
    const value = this.read(field);
    if (value === null) return null;
    return this.optionalString(field);
  }

  optionalNullableNumber(field: string): number | null | undefined {
    const value = this.read(field);
    if (value === undefined || value === null || typeof value === 'number') return value;
    this.issues.push(this.typeIssue(field, 'number', value));
    return undefined;
  }

  /** Throws the ValidationFailure when any field was wrong. */
  finish(): void {
    if (this.issues.length > 0) throw validationFailure(this.issues);
  }

  private typeIssue(field: string, expected: string, value: unknown): ValidationIssue {
    const received = zodTypeOf(value);
    return { code: 'invalid_type', expected, received, path: [field], message: `Expected ${expected}, received ${received}` };
  }
}
