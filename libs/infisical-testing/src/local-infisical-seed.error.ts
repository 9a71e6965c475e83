/** Thrown when a seed (file or object) is unusable; lists every problem at once. */
export class LocalInfisicalSeedError extends Error {
  override readonly name = 'LocalInfisicalSeedError';

  constructor(
    /** where the seed came from: a file path or 'options.seed' */
    readonly source: string,
    /** one line per problem, each naming the JSON path at fault */
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid local Infisical seed (${source}):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, options);
  }
}
