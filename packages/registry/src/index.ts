export { RegistryClient, insecureFromEnv, offlineFromEnv, type ClientOptions } from "./client.js";
export { parseChallenges, type Challenge } from "./challenge.js";
export { credentialsFor, saveCredentials, eraseCredentials, dockerConfigPath, type Credentials } from "./credentials.js";
export { RegistryError, DigestMismatchError, OfflineError } from "./errors.js";
export {
  MEDIA, MAX_MANIFEST_BYTES, parsePlatform, formatPlatform, resolveManifest, fetchManifest,
  type Descriptor, type ImageManifest, type Platform, type ResolvedManifest,
} from "./manifest.js";
export { repositoryRef, fullName, endpointHost, authKey, isLoopback, DOCKER_HUB_DOMAIN, type RepositoryRef } from "./names.js";
export { RemoteImage, RemoteLayer } from "./remote.js";
export { pull, DEFAULT_PLATFORM, type PullOptions, type PullResult } from "./pull.js";
export { push, type PushOptions, type PushResult } from "./push.js";
export { pullingBaseResolver, missingBaseHelp, MissingBaseError, type BaseResolverOptions } from "./base-resolver.js";
export { daemonConfig, type DaemonConfig } from "./daemon-config.js";
