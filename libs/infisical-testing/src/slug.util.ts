import { randomInt } from 'node:crypto';

/**
 * Close to `@sindresorhus/slugify`, which upstream uses: camelCase split, accents dropped, lowercase,
 * every run of other characters one hyphen, no hyphen at either end. (Its transliterations, `&` -> `and`
 * and the like, are not reproduced.)
 */
export function slugify(text: string): string {
  return text
    .replace(/([A-Z]+)([A-Z][a-z\d]+)/g, '$1 $2')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Upstream's slug rule: a value its slugify leaves unchanged. */
export const isSlug = (value: string): boolean => slugify(value) === value;

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Random lowercase letters and digits, as the suffix of a generated project slug (`name-x7k2`). */
export function randomSlugSuffix(length: number): string {
  return Array.from({ length }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');
}
