/** A configuration problem, named by the setting that caused it, so start-up can say exactly what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`invalid configuration: ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}
