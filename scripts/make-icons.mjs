#!/usr/bin/env node
/**
 * Writes the PWA icons (no dependencies: PNG chunks by hand, node:zlib for
 * the deflate stream):
 *
 *   public/icons/icon-192.png           rounded blue square, white "R"
 *   public/icons/icon-512.png           same, 512 px
 *   public/icons/icon-512-maskable.png  full-bleed blue, the "R" inside the
 *                                       80 % safe zone (circle of radius 0.4)
 *
 * Usage: node scripts/make-icons.mjs [outDir]   (default: public/icons)
 * Output is deterministic; re-run after changing the drawing and commit the PNGs.
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'public/icons'));

const BLUE = [0x1f, 0x6f, 0xeb]; // #1f6feb, the manifest's theme_color
const WHITE = [0xff, 0xff, 0xff];
const SS = 4; // supersampling per axis (anti-aliasing)

// ---------- PNG encoding ----------

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** rgba: Uint8Array of size*size*4 → PNG file bytes (8-bit RGBA, no interlace). */
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------- shapes (unit coordinates, y down) ----------

/** Inside a rounded rectangle [x0,x1]×[y0,y1] with corner radius r. */
function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Distance from p to segment a–b. */
function distSeg(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/**
 * A bold geometric "R" in a unit glyph box: stem, a bowl (two bars joined
 * by a half ring) and a diagonal leg.
 */
const S = 0.17; // stroke width
const STEM_X0 = 0.18;
const TOP = 0.06;
const BOTTOM = 0.94;
const Y0 = TOP + S / 2; // bowl top centre line
const Y1 = 0.55; // bowl bottom centre line
const BOWL_CX = 0.5;
const BOWL_CY = (Y0 + Y1) / 2;
const BOWL_R = (Y1 - Y0) / 2;
const LEG_X0 = 0.46; // leg centre line at y = Y1 …
const LEG_X1 = 0.8 + ((0.8 - LEG_X0) * S) / (BOTTOM - Y1); // … continued a stroke below the baseline

function inR(x, y) {
  // stem
  if (x >= STEM_X0 && x <= STEM_X0 + S && y >= TOP && y <= BOTTOM) return true;
  const h = S / 2;
  // bowl: bars from the stem to the arc's centre, then the right half ring
  if (x >= STEM_X0 && x <= BOWL_CX && (Math.abs(y - Y0) <= h || Math.abs(y - Y1) <= h)) return true;
  if (x >= BOWL_CX && Math.abs(Math.hypot(x - BOWL_CX, y - BOWL_CY) - BOWL_R) <= h) return true;
  // leg: from the bowl's bottom bar down to the baseline, both ends cut flat
  if (y >= Y1 && y <= BOTTOM && distSeg(x, y, LEG_X0, Y1, LEG_X1, BOTTOM + S) <= h * 1.05) return true;
  return false;
}

/**
 * Renders one icon. `maskable`: opaque full-bleed background and a smaller
 * glyph, so that any mask (circle, squircle…) inside the safe zone keeps it.
 */
function render(size, { maskable }) {
  const rgba = new Uint8Array(size * size * 4);
  // Glyph box (unit coords of the icon). The maskable one fits in the central
  // circle of radius 0.4: a 0.46 box has half-diagonal 0.325.
  const g = maskable ? { x: 0.27, y: 0.27, w: 0.46 } : { x: 0.2, y: 0.2, w: 0.6 };
  const radius = 0.22; // corner radius of the plain icon's rounded square
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let a = 0;
      let white = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (px + (sx + 0.5) / SS) / size;
          const y = (py + (sy + 0.5) / SS) / size;
          const inBg = maskable || inRoundedRect(x, y, 0, 0, 1, 1, radius);
          if (!inBg) continue;
          a++;
          if (inR((x - g.x) / g.w, (y - g.y) / g.w)) white++;
        }
      }
      const i = (py * size + px) * 4;
      if (a === 0) continue; // transparent
      const f = white / a; // share of white in the covered part
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(BLUE[c] * (1 - f) + WHITE[c] * f);
      rgba[i + 3] = Math.round((255 * a) / (SS * SS));
    }
  }
  return encodePng(size, rgba);
}

mkdirSync(outDir, { recursive: true });
const icons = [
  ['icon-192.png', 192, { maskable: false }],
  ['icon-512.png', 512, { maskable: false }],
  ['icon-512-maskable.png', 512, { maskable: true }],
];
for (const [name, size, opts] of icons) {
  const png = render(size, opts);
  writeFileSync(join(outDir, name), png);
  console.log(`wrote ${join(outDir, name)} (${size}x${size}, ${png.length} bytes)`);
}
