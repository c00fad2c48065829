/**
 * A byte count for people, in binary units (1 KB = 1,024 B), as Windows and RAM sizes are shown. Every size Llama
 * Lens shows goes through this one function, so one file never shows two sizes.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
