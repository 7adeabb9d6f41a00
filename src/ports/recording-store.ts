/**
 * Where call recordings live. Drivers save into it; the HTTP layer serves from it under
 * signed links. Keys are opaque, path-safe strings chosen by the store.
 */
export interface StoredRecording {
  key: string;
  contentType: string;
  size: number;
}

export type RecordingBytes = Uint8Array | AsyncIterable<Uint8Array>;
/**
 * What a driver hands over: the bytes, or a source that produces them again on each call
 * (a generated tone, a download from the PBX that still holds the file). A store that
 * retries a failed write can only retry a source (a stream is read once).
 */
export type RecordingData = RecordingBytes | (() => RecordingBytes | Promise<RecordingBytes>);

export interface SaveOptions {
  onRetrying?(): void;
}

export interface RecordingStore {
  /**
   * Stores a call's recording. `onRetrying` is called once when a first write failed and the
   * store keeps trying (the caller need not hold the call meanwhile; see docs/architecture.md).
   */
  save(callId: string, contentType: string, data: RecordingData, options?: SaveOptions): Promise<StoredRecording>;
  /** Metadata and an absolute file path for range-serving, or null when absent. */
  locate(key: string): Promise<{ path: string; contentType: string; size: number } | null>;
  /** Deletes a recording (retention); false when it was absent already. Stores that cannot delete leave it out. */
  remove?(key: string): Promise<boolean>;
}
