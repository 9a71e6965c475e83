/**
 * Lets the event loop turn (timers, I/O, requests being served) between the stages of a large load, so
 * that no single block lasts longer than one stage: a mass rotation must not stall the app.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Below this many secrets (or characters of a reply) a stage is short: no yield is worth its cost. */
export const LARGE_LOAD = 2_000;
