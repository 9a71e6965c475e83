import type { LocalInfisicalRoute } from './local-infisical.routes.js';

/** Requests counted on arrival, before any fault or handler decides the answer. */
export class RequestCounter {
  private total = 0;
  private readonly byRoute = new Map<LocalInfisicalRoute, number>();

  /** `route` is undefined for unknown routes: they count in the total only. */
  record(route: LocalInfisicalRoute | undefined): void {
    this.total += 1;
    if (route) this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }

  count(route?: LocalInfisicalRoute): number {
    return route ? (this.byRoute.get(route) ?? 0) : this.total;
  }

  reset(): void {
    this.total = 0;
    this.byRoute.clear();
  }
}
