// Writes a gzip copy (file.gz) and a brotli copy (file.br, node's zlib) next to
// every compressible file in dist/, so that hujiaod sends the pre-compressed
// asset the browser accepts without compressing on each request. Prints the
// size of every script and style sheet (raw / gzip / brotli).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const root = new URL('../dist/', import.meta.url).pathname;
const compressible = /\.(js|mjs|css|html|svg|json|txt|map)$/;
let files = 0;
let before = 0;
let after = 0;
let afterBr = 0;
const rows = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      walk(path);
    } else if (compressible.test(name)) {
      const raw = readFileSync(path);
      const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
      const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
      if (gz.length < raw.length) {
        writeFileSync(`${path}.gz`, gz);
        files += 1;
        before += raw.length;
        after += gz.length;
      }
      if (br.length < raw.length) {
        writeFileSync(`${path}.br`, br);
        afterBr += br.length;
      }
      if (/\.(js|css)$/.test(name)) rows.push([name, raw.length, gz.length, br.length]);
    }
  }
}

walk(root);
const kib = (n) => (n / 1024).toFixed(1).padStart(7);
if (process.env.HUJIAO_SIZES) {
  for (const [n, r, g, b] of rows.sort((a, b) => b[1] - a[1])) console.log(`${kib(r)} ${kib(g)} ${kib(b)} KiB  ${n}`);
}
console.log(`compress: ${files} files, ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB gzip, ${(afterBr / 1024).toFixed(0)} KiB brotli`);
