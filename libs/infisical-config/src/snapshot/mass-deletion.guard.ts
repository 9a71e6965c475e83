import type { SecretsDiff } from './snapshot-diff.js';

/**
 * Why a refresh that deletes most keys is refused, or undefined to apply it. An empty or mostly empty
 * answer is far more often a mistake (a wrong path, a broken import, a permissions change) than intended.
 */
export function massDeletionRefusal(diff: SecretsDiff, previousSize: number, maxRemovedShare: number): string | undefined {
  if (previousSize === 0 || diff.removed.length === 0) return undefined;
  if (diff.removed.length === previousSize) {
    return `the refresh would remove all ${previousSize} keys`;
  }
  const share = diff.removed.length / previousSize;
  if (share > maxRemovedShare) {
    return `the refresh would remove ${diff.removed.length} of ${previousSize} keys (${Math.round(share * 100)}%, limit ${Math.round(maxRemovedShare * 100)}%)`;
  }
  return undefined;
}
