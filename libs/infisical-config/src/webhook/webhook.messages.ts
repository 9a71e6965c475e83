// Every user-facing message of the webhook receiver, in one place. None of them takes a body, a signature,
// a key or a value: a refusal names its reason class only.

export const INVALID_WEBHOOK_OPTIONS = (problems: readonly string[]) =>
  `Invalid InfisicalWebhookModule options (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
  problems.map((problem) => `  - ${problem}`).join('\n');

export const NO_WEBHOOK_SECRET = (path: string) =>
  `InfisicalWebhookModule: no secret configured (option "secret"): every call to POST /${path} is refused with 401. ` +
  `Give the Infisical webhook a secret key and pass the same key as "secret".`;

export const RAW_BODY_MISSING = (path: string) =>
  `InfisicalWebhookModule: POST /${path} received a JSON body but not its raw bytes, so its signature cannot be ` +
  `checked: the call was refused with 401. Create the app with NestFactory.create(AppModule, { rawBody: true }).`;

export const WEBHOOK_REFUSED = (reason: string, suppressed: number) =>
  `Infisical webhook refused: ${reason}` +
  (suppressed > 0 ? ` (and ${suppressed} more refusal${suppressed === 1 ? '' : 's'} of this kind since the last warning)` : '');

export const WEBHOOK_ACCEPTED = (event: string, environment: string, secretPath: string, plan: string) =>
  `Infisical webhook: ${event} in ${environment}:${secretPath}; ${plan}`;

export const WEBHOOK_IGNORED = (event: string, why: string) => `Infisical webhook acknowledged and ignored: ${event} (${why})`;
