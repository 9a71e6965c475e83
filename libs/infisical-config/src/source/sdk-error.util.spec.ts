import { describeSdkFailure } from './sdk-error.util.js';

describe('describeSdkFailure', () => {
  it('keeps the status and server message of an SDK request error, not the URL or its query string', () => {
    const error = new Error(
      '[URL=http://infisical:8080/api/v3/secrets/raw?workspaceId=p&environment=dev] [Method=GET] [StatusCode=403] You are not allowed to access this resource',
    );
    expect(describeSdkFailure(error)).toEqual({ status: 403, reason: 'HTTP 403 You are not allowed to access this resource' });
  });

  it('turns network failures into a reachability reason', () => {
    expect(describeSdkFailure(new TypeError('fetch failed'))).toEqual({
      reason: 'the server could not be reached (connection refused, reset or DNS failure)',
    });
  });

  it('strips URLs from any other message', () => {
    expect(describeSdkFailure(new Error('odd failure at https://host/path?token=abc')).reason).toBe('odd failure at <url>');
  });
});
