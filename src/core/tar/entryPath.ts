// Where an entry of an npm package tarball goes, relative to the package's folder. An archive is data from the
// network: a path that could land outside the folder is refused, not cleaned up.

/**
 * The entry's path below the package folder, with '/' separators: npm tarballs put everything under one top folder
 * (`package/`), which is stripped, as npm does. '' for that folder itself. Throws for an absolute path, a `..`
 * segment, a backslash (a separator on Windows) or a colon (a drive or an NTFS stream).
 */
export function packageEntryPath(rawPath: string): string {
  const refuse = (why: string): never => {
    throw new Error(`the archive holds an unsafe path ${JSON.stringify(rawPath)} (${why})`);
  };
  if (rawPath.startsWith('/')) refuse('absolute');
  if (rawPath.includes('\\')) refuse('a backslash');
  if (rawPath.includes(':')) refuse('a colon');
  if (rawPath.includes('\0')) refuse('a NUL');
  const segments = rawPath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) refuse('a ".." segment');
  return segments.slice(1).join('/');
}
