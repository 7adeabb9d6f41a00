/**
 * Where call recordings live. Drivers save into it; the HTTP layer serves from it under
 * signed links. Keys are opaque, path-safe strings chosen by the store.
 */
export interface StoredRecording {
  key: string;
  contentType: string;
  size: number;
}

export interface RecordingStore {
  save(callId: string, contentType: string, data: Uint8Array | AsyncIterable<Uint8Array>): Promise<StoredRecording>;
  /** Metadata and an absolute file path for range-serving, or null when absent. */
  locate(key: string): Promise<{ path: string; contentType: string; size: number } | null>;
}
