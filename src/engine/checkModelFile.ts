// Checks a model path before llama.cpp sees it: a missing or non-GGUF file then gets a clear
// message instead of a native abort that takes the engine process down.
import { open } from 'node:fs/promises';
import { CodedError } from './EngineError';

const GGUF_MAGIC = 'GGUF';

export async function checkModelFile(modelPath: string): Promise<number> {
  let handle;
  try {
    handle = await open(modelPath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : String(error);
    throw new CodedError('loadFailed', `Cannot open model file ${modelPath}: ${why}.`);
  }
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(4);
    await handle.read(header, 0, 4, 0);
    if (size < 4 || header.toString('latin1') !== GGUF_MAGIC) {
      throw new CodedError('loadFailed', `${modelPath} is not a GGUF model file (it does not start with "GGUF").`);
    }
    return size;
  } finally {
    await handle.close();
  }
}
