/** The credentials could not be gathered before any request (a token file, AWS credentials): nothing was sent. */
export class CredentialsUnavailableError extends Error {
  override readonly name = 'CredentialsUnavailableError';
}
