// Spec runner, stage 1: turn a .wast script into wabt's JSON command list plus one .wasm
// (or .wat, for text that must fail to parse) per module, cached under test/.cache/spec/json/.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the spec scripts live: ../shared/spec next to the repository, or $W2JS_SPEC_DIR. */
export const specRoot = path.resolve(process.env.W2JS_SPEC_DIR ?? path.join(repoRoot, '../shared/spec'));

/** Every cache the spec runner writes lives under here (gitignored). */
export const cacheRoot = path.join(repoRoot, 'test/.cache/spec');

/** The script's path relative to the spec root when it is inside it, else its absolute path. */
export function specRelative(wastPath) {
  const rel = path.relative(specRoot, path.resolve(wastPath));
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(wastPath) : rel.split(path.sep).join('/');
}

/** wast2json flags a script needs: its proposal's feature flag (the 2022 core suite needs none). */
function wast2jsonFlags(rel) {
  return rel.includes('proposals/threads/') ? ['--enable-threads'] : [];
}

/**
 * Move a finished cache entry (a conversion, a compiled module) from `tmpDir` into place. The
 * spec suite and the cross-runtime suite fill the same caches at once: a complete entry of theirs
 * (the same stamp: same input, same tools) is kept, not replaced under a reader (ENOENT in the
 * other suite); a stale one (the spec files touched since) is first renamed aside, which is
 * atomic, and then removed: two processes removing it in place at once failed with ENOTEMPTY.
 */
export function moveIntoPlace(tmpDir, outDir, stampPath, stamp) {
  const theirs = () => existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp;
  let error;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      renameSync(tmpDir, outDir);
      return;
    } catch (e) {
      error = e;
    }
    if (theirs()) break;
    const aside = `${outDir}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(outDir, aside);
    } catch {
      // Gone already, or just replaced by another process: try again.
    }
    rmSync(aside, { recursive: true, force: true });
  }
  rmSync(tmpDir, { recursive: true, force: true });
  if (!theirs()) throw error;
}

/**
 * Convert `wastPath` with wast2json, or reuse an earlier conversion that is newer than the script.
 * Returns the path of the JSON file; module filenames inside it are relative to its directory.
 */
export function convertWast(wastPath) {
  const rel = specRelative(wastPath);
  const flags = wast2jsonFlags(rel);
  // Scripts outside the spec root keep a cache path that cannot collide with one inside it.
  const relDir = path.isAbsolute(rel) ? path.join('_external', rel.replace(/^[/\\]+/, '')) : rel;
  const base = path.basename(wastPath, '.wast');
  const outDir = path.join(cacheRoot, 'json', relDir.replace(/\.wast$/, ''));
  const jsonPath = path.join(outDir, `${base}.json`);
  const stampPath = path.join(outDir, 'stamp.json');
  const stat = statSync(wastPath);
  const stamp = JSON.stringify({ mtimeMs: stat.mtimeMs, size: stat.size, flags });
  if (existsSync(jsonPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return jsonPath;

  // Convert into a fresh directory and rename it into place, so an interrupted run never leaves half a conversion.
  const tmpDir = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmpDir, { recursive: true });
  try {
    execFileSync('wast2json', [...flags, path.resolve(wastPath), '-o', path.join(tmpDir, `${base}.json`)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    writeFileSync(path.join(tmpDir, 'stamp.json'), stamp);
    moveIntoPlace(tmpDir, outDir, stampPath, stamp);
  } catch (e) {
    rmSync(tmpDir, { recursive: true, force: true });
    const stderr = e && e.stderr ? String(e.stderr).trim() : String(e);
    throw new Error(`wast2json failed on ${rel}: ${stderr.split('\n').slice(0, 3).join(' | ')}`);
  }
  return jsonPath;
}
