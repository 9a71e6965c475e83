import { validationFailure } from './infisical-error.replies.js';
import type { ValidationIssue } from './infisical-error.replies.js';

/** Zod's name for a value's type, used in its `received` field. */
function zodTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** What `z.string().trim()` is followed by in an upstream schema: each check with its own message. */
export interface TextRules {
  /** `.toLowerCase()` before the checks (upstream's slug schema) */
  lowercase?: boolean;
  min?: number;
  minMessage?: string;
  max?: number;
  maxMessage?: string;
  /** a `.refine()` */
  refine?: { test: (value: string) => boolean; message: string };
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

  /** A trimmed string with upstream's checks; every failed check is an issue, as Zod reports them. */
  requiredText(field: string, rules: TextRules = {}): string {
    const value = this.requiredString(field);
    return typeof this.read(field) === 'string' ? this.checkText(field, value, rules) : value;
  }

  optionalText(field: string, rules: TextRules = {}): string | undefined {
    const value = this.optionalString(field);
    return value === undefined ? undefined : this.checkText(field, value, rules);
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

  /**
   * A number, as `z.number()` reads it (a JSON number, never a string), with Zod's issues for
   * `.int()`, `.min()` and `.max()`.
   */
  optionalNumber(field: string, bounds: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
    const value = this.read(field);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      this.issues.push(this.typeIssue(field, 'number', value));
      return undefined;
    }
    const before = this.issues.length;
    if (bounds.integer && !Number.isInteger(value)) {
      this.issues.push({ code: 'invalid_type', expected: 'integer', received: 'float', path: [field], message: 'Expected integer, received float' });
    }
    if (bounds.min !== undefined && value < bounds.min) {
      this.issues.push({ code: 'too_small', minimum: bounds.min, type: 'number', inclusive: true, exact: false, path: [field], message: `Number must be greater than or equal to ${bounds.min}` });
    }
    if (bounds.max !== undefined && value > bounds.max) {
      this.issues.push({ code: 'too_big', maximum: bounds.max, type: 'number', inclusive: true, exact: false, path: [field], message: `Number must be less than or equal to ${bounds.max}` });
    }
    return this.issues.length === before ? value : undefined;
  }

  /** A query number, as `z.coerce.number()` reads it, with `.min()` / `.max()`. */
  optionalQueryNumber(field: string, bounds: { min?: number; max?: number }): number | undefined {
    const value = this.read(field);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (Number.isNaN(number)) {
      this.issues.push({ code: 'invalid_type', expected: 'number', received: 'nan', path: [field], message: 'Expected number, received nan' });
      return undefined;
    }
    if ((bounds.min !== undefined && number < bounds.min) || (bounds.max !== undefined && number > bounds.max)) {
      const tooSmall = bounds.min !== undefined && number < bounds.min;
      const limit = tooSmall ? bounds.min : bounds.max;
      this.issues.push({
        code: tooSmall ? 'too_small' : 'too_big',
        [tooSmall ? 'minimum' : 'maximum']: limit,
        type: 'number',
        inclusive: true,
        exact: false,
        path: [field],
        message: `Number must be ${tooSmall ? 'greater' : 'less'} than or equal to ${limit}`,
      });
      return undefined;
    }
    return number;
  }

  /** The raw value, for fields whose shape the handler checks itself (objects, arrays). */
  value(field: string): unknown {
    return this.read(field);
  }

  /** A problem the handler found (a refinement, a nested field): reported with the others. */
  addIssue(issue: ValidationIssue): void {
    this.issues.push(issue);
  }

  /** An object-level `.refine()`: Zod runs it only when every field passed, and reports it at path []. */
  refine(passes: boolean, message: string): void {
    if (this.issues.length === 0 && !passes) this.issues.push({ code: 'custom', path: [], message });
  }

  /** Throws the ValidationFailure when any field was wrong. */
  finish(): void {
    if (this.issues.length > 0) throw validationFailure(this.issues);
  }

  private checkText(field: string, raw: string, rules: TextRules): string {
    const value = rules.lowercase ? raw.toLowerCase().trim() : raw.trim();
    const base = { path: [field], type: 'string', inclusive: true, exact: false };
    if (rules.min !== undefined && value.length < rules.min) {
      this.issues.push({ ...base, code: 'too_small', minimum: rules.min, message: rules.minMessage ?? `String must contain at least ${rules.min} character(s)` });
    }
    if (rules.max !== undefined && value.length > rules.max) {
      this.issues.push({ ...base, code: 'too_big', maximum: rules.max, message: rules.maxMessage ?? `String must contain at most ${rules.max} character(s)` });
    }
    if (rules.refine && !rules.refine.test(value)) this.issues.push({ code: 'custom', path: [field], message: rules.refine.message });
    return value;
  }

  private typeIssue(field: string, expected: string, value: unknown): ValidationIssue {
    const received = zodTypeOf(value);
    return { code: 'invalid_type', expected, received, path: [field], message: `Expected ${expected}, received ${received}` };
  }
}
