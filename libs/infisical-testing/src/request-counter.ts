import type { LocalInfisicalRoute } from './local-infisical.routes.js';

/** Requests counted on arrival, before any fault or handler decides the answer. */
export class RequestCounter {
  private total = 0;
  private readonly byRoute = new Map<LocalInfisicalRoute, number>();
  private readonly replies = new Map<string, number>();

  /** `route` is undefined for unknown routes: they count in the total only. */
  record(route: LocalInfisicalRoute | undefined): void {
    this.total += 1;
    if (route) this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  /** A handler's reply (not a fault's), by route and status. */
  recordReply(route: LocalInfisicalRoute | undefined, status: number): void {
    const key = `${route ?? 'unknown'} ${status}`;
    this.replies.set(key, (this.replies.get(key) ?? 0) + 1);
  }

  replyCount(route: LocalInfisicalRoute, status: number): number {
    return this.replies.get(`${route} ${status}`) ?? 0;
  }

  count(route?: LocalInfisicalRoute): number {
    return route ? (this.byRoute.get(route) ?? 0) : this.total;
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
    this.replies.clear();
  }
}
