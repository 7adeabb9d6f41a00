// Types of scripts/server-build.mjs for the TypeScript that imports it (tests, bench/startup.ts).
export interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
}
export function freshServerBuild(outDir?: string): string | null;
export function buildServer(outDir?: string): Promise<{ entry: string; metafile: Metafile }>;
export function ensureServerBuild(): Promise<string>;
export function buildFailure(error: unknown): string;
