const TRUE_WORDS = new Set(['true', '1']);
const FALSE_WORDS = new Set(['false', '0']);

type MetadataReader = (key: string, target: object, property: string) => unknown;

/**
 * @internal The TypeScript type a schema declares for `property` (design:type, from emitDecoratorMetadata),
 * or undefined when reflect-metadata is not loaded.
 */
export function declaredTypeOf(schema: new () => object, property: string): unknown {
  const getMetadata = (Reflect as unknown as { getMetadata?: MetadataReader }).getMetadata;
  return typeof getMetadata === 'function' ? getMetadata('design:type', schema.prototype, property) : undefined;
}

/**
 * @internal Converts a raw string to the property's declared type, like class-transformer's implicit
 * conversion but without its traps: an empty value stays unset instead of becoming 0 or false, and only
 * true/false/1/0 become booleans (Boolean('false') is true); any other word stays a string so that
 * @IsBoolean() reports it.
 */
export function convertToDeclaredType(raw: string, declaredType: unknown): unknown {
  if (declaredType !== Number && declaredType !== Boolean && declaredType !== Date) return raw;
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  if (declaredType === Number) return Number(trimmed);
  if (declaredType === Date) return new Date(trimmed);
  const word = trimmed.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return raw;
}
