import { AccessToken } from './access-token.js';

describe('AccessToken', () => {
  const issued = (expiresIn: number, accessTokenMaxTTL: number) => ({ accessToken: 't', expiresIn, accessTokenMaxTTL });

  it('renews at two thirds of its TTL', () => {
    expect(AccessToken.fromLogin(issued(3_600, 86_400), 0).renewAt).toBe(2_400_000);
  });

  it('cannot be renewed when TTL equals max TTL (Infisical default): log in again instead', () => {
    const token = AccessToken.fromLogin(issued(2_592_000, 2_592_000), 0);
    expect(token.canRenew(1)).toBe(false);
  });

  it('renewal keeps the login max expiry and never passes it', () => {
    const token = AccessToken.fromLogin(issued(100, 250), 0);
    expect(token.canRenew(100_000)).toBe(true);
    const renewed = token.renewed(issued(100, 250), 100_000);
    expect(renewed.expiresAt).toBe(200_000);
    expect(renewed.maxExpiresAt).toBe(250_000);
    expect(renewed.canRenew(200_000)).toBe(false);
  });

  it('is not used within the expiry skew', () => {
    const token = AccessToken.fromLogin(issued(3_600, 3_600), 0);
    expect(token.isUsable(3_594_000)).toBe(true);
    expect(token.isUsable(3_596_000)).toBe(false);
  });
});
