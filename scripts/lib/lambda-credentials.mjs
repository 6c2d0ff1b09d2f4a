// Stand-in for @aws-sdk/credential-provider-node inside Lambda bundles. Lambda always hands a function its
// role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, so the SSO, INI,
// process, web-identity and IMDS providers of the default chain (≈ 90 KB minified, most of the SDK's
// cold-start cost) can never be used there. Bundling only the env provider keeps zips small and init fast.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init = {}) => fromEnv(init);
export const credentialsTreatedAsExpired = () => false;
export const credentialsWillNeedRefresh = () => false;
