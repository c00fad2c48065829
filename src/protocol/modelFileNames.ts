// How model files on disk are named while they are not yet usable. The engine writes these names and the host's
// model folder listing skips what they mark, so both sides must agree on them.

/** ipull (under node-llama-cpp's downloader) writes `<file>.ipull` and renames it to `<file>` once every byte is in. */
export const DOWNLOAD_TEMP_SUFFIX = '.ipull';

/** An empty marker the engine keeps beside `<file>` from the start of a download until the file has passed its checks. */
export const UNVERIFIED_MARKER_SUFFIX = '.unverified';

/**
 * A sibling `<file><suffix>` means `<file>` is being written or checked: ours, plus the temp names browsers and
 * other download tools use (Firefox keeps an empty `<file>` beside `<file>.part`).
 */
export const IN_PROGRESS_SUFFIXES: readonly string[] = [
  DOWNLOAD_TEMP_SUFFIX, UNVERIFIED_MARKER_SUFFIX, '.part', '.partial', '.download', '.crdownload', '.tmp', '.incomplete',
];
