import type { RegisteredIdentity } from './identity-registry.js';
import { RequestFieldsReader } from './request-fields.reader.js';
import type { InboundRequest } from './route-handler.types.js';

/**
 * `?offset&limit&orderDirection&search` of upstream's identity-membership lists (organization and
 * project): a case-insensitive name search, sorted by name, one page of it.
 */
export class IdentityListQuery {
  private constructor(
    private readonly offset: number,
    private readonly limit: number,
    private readonly descending: boolean,
    private readonly search: string,
  ) {}

  /** Reads and checks the query; unknown parameters are refused as upstream's schema does. */
  static read(request: InboundRequest): IdentityListQuery {
    const query = RequestFieldsReader.fromQuery(request.query);
    const offset = query.optionalQueryNumber('offset', { min: 0 }) ?? 0;
    const limit = query.optionalQueryNumber('limit', { min: 1, max: 20_000 }) ?? 100;
    const descending = query.optionalString('orderDirection') === 'desc';
    const search = (query.optionalString('search') ?? '').trim().toLowerCase();
    query.finish();
    return new IdentityListQuery(offset, limit, descending, search);
  }

  /** The identities that match, in order (their count is the reply's `totalCount`), and the page asked for. */
  apply(identities: readonly RegisteredIdentity[]): { matching: RegisteredIdentity[]; page: RegisteredIdentity[] } {
    const matching = identities
      .filter((identity) => identity.name.toLowerCase().includes(this.search))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) * (this.descending ? -1 : 1));
    return { matching, page: matching.slice(this.offset, this.offset + this.limit) };
  }
}
