/**
 * The hash record of a downloaded catalog model, `<modelsDir>/<name>.hashes.json`, beside the
 * model folder (the folder itself keeps the upstream layout).
 *
 * The fetcher writes the sha256 of every file once its bytes are verified: against the
 * catalog's pinned hash where one is published, else on first download (trust on first use,
 * only with --allow-unverified). At every start the resolver hashes every file again, full
 * content, and compares: the catalog's hash where there is one, else the record. So a
 * tampered preprocess_cfg.json or a same-size corrupted ONNX file is refused instead of
 * silently changing every embedding.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogFile, CatalogModel } from './model-catalog';
import { hashFile } from './model-hash';

export interface RecordedFile {
  readonly sha256: string;
  readonly sizeBytes: number;
}

export interface ModelManifest {
  readonly version: 1;
  readonly model: string;
  readonly files: Readonly<Record<string, RecordedFile>>;
}

/** Where the record of `model` lives. */
export function manifestPath(modelsDir: string, model: CatalogModel): string {
  return path.join(path.resolve(modelsDir), `${model.name}.hashes.json`);
}

/** The record, or an empty one when absent or unreadable (then every unpinned file is unrecorded). */
export async function readManifest(file: string, model: CatalogModel): Promise<ModelManifest> {
  const empty: ModelManifest = { version: 1, model: model.name, files: {} };
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<ModelManifest>;
    if (parsed.version !== 1 || parsed.model !== model.name || typeof parsed.files !== 'object') {
      return empty;
    }
    return { version: 1, model: model.name, files: parsed.files };
  } catch {
    return empty;
  }
}

/** Writes the record atomically (temp file + rename), so a crash never leaves half a record. */
export async function writeManifest(file: string, manifest: ModelManifest): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temp, file);
}

export type FileCheck =
  | { readonly status: 'ok' }
  | { readonly status: 'missing' | 'unrecorded' }
  | { readonly status: 'mismatch'; readonly expected: string; readonly actual: string };

/**
 * Checks one file's full content: the catalog hash when published, else the recorded sha256.
 * `missing` covers absent and wrong-size files (an interrupted copy); `unrecorded` an unpinned
 * file with no record (a folder from before records existed, or a record that was lost).
 */
export async function checkFile(
  file: CatalogFile,
  target: string,
  manifest: ModelManifest,
  size: number | undefined,
): Promise<FileCheck> {
  if (size === undefined) return { status: 'missing' };
  if (file.sizeBytes !== null && size !== file.sizeBytes) return { status: 'missing' };
  const recorded = manifest.files[file.path];
  if (file.hash !== null) {
    const actual = await hashFile(target, file.hash.kind);
    if (actual === file.hash.value) return { status: 'ok' };
    return { status: 'mismatch', expected: file.hash.value, actual };
  }
  if (recorded === undefined) return { status: 'unrecorded' };
  const actual = await hashFile(target, 'sha256');
  if (actual === recorded.sha256) return { status: 'ok' };
  return { status: 'mismatch', expected: recorded.sha256, actual };
}
