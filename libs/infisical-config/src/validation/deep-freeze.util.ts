/** @internal Freezes `target` and every object or array it holds, so a typed config cannot be changed in place. */
export function deepFreeze<T>(target: T): Readonly<T> {
  if (target === null || typeof target !== 'object' || Object.isFrozen(target)) return target;
  Object.freeze(target);
  for (const value of Object.values(target)) deepFreeze(value);
  return target;
}
