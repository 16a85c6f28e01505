/**
 * Draws the Teams app icons into manifest/: color.png (192×192, full colour) and outline.png
 * (32×32, white on transparent, as Teams requires). Two chain links: a *schakel* joins two
 * parts. Run once after changing the design (`npx tsx scripts/make-icons.ts`); the PNGs are
 * committed, so packaging needs no drawing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ROOT } from './root.js';

type Rgb = readonly [number, number, number];

const ACCENT: Rgb = [0x00, 0x79, 0x6b]; // the manifest's accentColor
const WHITE: Rgb = [255, 255, 255];
const SAMPLES = 4; // supersampling per axis, for smooth edges

/** Distance from p to the segment ab. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Whether a point of the unit square lies on one of two interlocking chain links, tilted 45°. Each link is a capsule's outline. */
function onLinks(u: number, v: number): boolean {
  const c = Math.SQRT1_2;
  // rotate the point by +45° around the centre so the links can be described horizontally
  const x = (u - 0.5) * c - (v - 0.5) * c;
  const y = (u - 0.5) * c + (v - 0.5) * c;
  const radius = 0.13;
  const stroke = 0.075;
  const links = [
    [-0.3, -0.04],
    [0.04, 0.3],
  ] as const;
  return links.some(([from, to]) => Math.abs(segmentDistance(x, y, from, 0, to, 0) - radius) <= stroke / 2);
}

function coverage(size: number, px: number, py: number, inset: number): number {
  let hits = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const u = (px + (sx + 0.5) / SAMPLES) / size;
      const v = (py + (sy + 0.5) / SAMPLES) / size;
      // scale the drawing into the inset square
      if (onLinks((u - inset) / (1 - 2 * inset), (v - inset) / (1 - 2 * inset))) hits++;
    }
  }
  return hits / (SAMPLES * SAMPLES);
}

/** Colour icon: white links on a rounded accent square. */
function drawColorIcon(size = 192): PNG {
  const png = new PNG({ width: size, height: size });
  const corner = size * 0.18;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const cx = Math.min(Math.max(x + 0.5, corner), size - corner);
      const cy = Math.min(Math.max(y + 0.5, corner), size - corner);
      const inSquare = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) <= corner;
      const a = coverage(size, x, y, 0.19); // symbol inside the ~120 px safe area Teams asks for
      const mix = (k: 0 | 1 | 2) => Math.round(ACCENT[k] * (1 - a) + WHITE[k] * a);
      png.data[i] = mix(0);
      png.data[i + 1] = mix(1);
      png.data[i + 2] = mix(2);
      png.data[i + 3] = inSquare ? 255 : 0;
    }
  }
  return png;
}

/** Outline icon: the links only, pure white, transparency for everything else. */
function drawOutlineIcon(size = 32): PNG {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * coverage(size, x, y, 0.02));
    }
  }
  return png;
}

function main(): void {
  const dir = join(ROOT, 'manifest');
  writeFileSync(join(dir, 'color.png'), PNG.sync.write(drawColorIcon()));
  writeFileSync(join(dir, 'outline.png'), PNG.sync.write(drawOutlineIcon()));
  process.stdout.write(`icons written to ${dir}\n`);
}

main();
