/** The Asterisk ARI telephony driver: what the composition root needs. */
export { createAriDriver, type AriDriverDeps } from './ari-driver.ts';
export { ARI_DEFAULTS, parseAgentsSetting, resolveAriConfig, type AriAgentMode, type AriConfig, type AriConfigInput } from './ari-config.ts';
