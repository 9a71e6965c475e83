import { InfisicalSDK } from '@infisical/sdk';

/** Creates the SDK client for a site URL; provided under `INFISICAL_SDK_FACTORY`. */
export type InfisicalSdkFactory = (siteUrl: string) => InfisicalSDK;

export const createInfisicalSdk: InfisicalSdkFactory = (siteUrl) => new InfisicalSDK({ siteUrl });
