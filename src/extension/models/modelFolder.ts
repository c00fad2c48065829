// Lists the models in a folder that can be offered for loading: complete GGUF files only. A download in progress, one
// that was interrupted, or one that failed its checks is never offered (the names are in protocol/modelFileNames.ts).
// Plain Node, no `vscode`, so it is unit-tested on real folders.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IN_PROGRESS_SUFFIXES } from '../../protocol/modelFileNames';

export interface ModelFile {
  path: string;
  /** For a split model, all its parts together. */
  sizeBytes: number;
  /** The file name. */
  name: string;
}

const GGUF_MAGIC = Buffer.from('GGUF', 'latin1');
/** llama.cpp's split naming: `<name>-00001-of-00003.gguf`. Loading the first part loads them all. */
const SPLIT_PART = /^(.*)-(\d{5})-of-(\d{5})(\.gguf)$/i;

/** The loadable models in `dir` (not its subfolders), sorted by name; [] when `dir` does not exist. */
export async function listModelFiles(dir: string): Promise<ModelFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const present = new Set(names);
  const settled = (name: string) => present.has(name) && !IN_PROGRESS_SUFFIXES.some((suffix) => present.has(name + suffix));
  const models: ModelFile[] = [];
  for (const name of names.sort()) {
    if (!name.toLowerCase().endsWith('.gguf') || !settled(name)) continue;
    const parts = splitParts(name);
    if (!parts || !parts.every(settled)) continue;
    const sizes = await Promise.all(parts.map((part) => ggufFileSize(join(dir, part))));
    if (sizes.some((size) => size === undefined)) continue;
    models.push({ path: join(dir, name), name, sizeBytes: sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0) });
  }
  return models;
}

/** Every file a model named `name` needs: itself, or all parts of a split model; undefined for a part after the first. */
function splitParts(name: string): string[] | undefined {
  const match = SPLIT_PART.exec(name);
  if (!match) return [name];
  const [, base, part, of, extension] = match as unknown as [string, string, string, string, string];
  if (Number(part) !== 1) return undefined;
  return Array.from({ length: Number(of) }, (_, i) => `${base}-${String(i + 1).padStart(5, '0')}-of-${of}${extension}`);
}

/** The size of a regular file that starts with the GGUF magic; undefined for anything else. */
async function ggufFileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size < GGUF_MAGIC.length) return undefined;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(GGUF_MAGIC.length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return bytesRead === head.length && head.equals(GGUF_MAGIC) ? info.size : undefined;
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // gone or unreadable since the listing: nothing we could load either
  }
}
