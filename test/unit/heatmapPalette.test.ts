// The heatmap's colours against each kind of theme: the text stays readable on every level, the levels stay apart,
// and package.json contributes exactly this palette.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blendOver, contrastRatio, parseHex, relativeLuminance, type Rgb } from '../../src/core/lens/colourContrast';
import {
  HEATMAP_LEVELS,
  HEATMAP_PALETTE,
  levelColourId,
  levelCssVariable,
  THEME_KINDS,
  type ThemeKind,
} from '../../src/core/lens/heatmapPalette';
import { REPO_ROOT } from '../support/repoPaths';

/** Editor background and text colours of VS Code's built-in themes (1.139), by the kind of theme they are. */
const THEMES: { name: string; kind: ThemeKind; background: string; foreground: string; minimum: number }[] = [
  { name: 'Light 2026', kind: 'light', background: '#ffffff', foreground: '#202020', minimum: 4.5 },
  { name: 'Light Modern', kind: 'light', background: '#ffffff', foreground: '#3b3b3b', minimum: 4.5 },
  { name: 'Dark 2026', kind: 'dark', background: '#121314', foreground: '#bbbebf', minimum: 4.5 },
  { name: 'Dark Modern', kind: 'dark', background: '#1f1f1f', foreground: '#cccccc', minimum: 4.5 },
  { name: 'Dark+', kind: 'dark', background: '#1e1e1e', foreground: '#d4d4d4', minimum: 4.5 },
  { name: 'Dark High Contrast', kind: 'highContrast', background: '#000000', foreground: '#ffffff', minimum: 7 },
  { name: 'Light High Contrast', kind: 'highContrastLight', background: '#ffffff', foreground: '#292929', minimum: 7 },
];

/** CIE76 colour difference: about 2.3 is just noticeable; 10 is plainly another colour. */
function colourDifference(a: Rgb, b: Rgb): number {
  const lab = (rgb: Rgb) => {
    const linear = rgb.map((c) => ((c / 255) <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
    const [r, g, bl] = linear as [number, number, number];
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const [x, y, z] = [
      (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047,
      0.2126 * r + 0.7152 * g + 0.0722 * bl,
      (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883,
    ];
    return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(...p.map((value, index) => value - (q[index] ?? 0)));
}

describe('heatmap palette', () => {
  it('computes WCAG contrast and blends translucent colours', () => {
    assert.equal(contrastRatio([0, 0, 0], [255, 255, 255]).toFixed(1), '21.0');
    assert.deepEqual(blendOver('#ff000080', '#0000ff').map(Math.round), [128, 0, 127]);
    assert.deepEqual(parseHex('#102030'), { rgb: [16, 32, 48], alpha: 1 });
    assert.throws(() => parseHex('red'), /not a #rrggbb/);
  });

  for (const theme of THEMES) {
    const levels = HEATMAP_PALETTE[theme.kind].map((colour) => blendOver(colour, theme.background));

    it(`${theme.name}: keeps the theme's text at ${theme.minimum}:1 or more on every level`, () => {
      assert.equal(levels.length, HEATMAP_LEVELS);
      levels.forEach((level, index) => {
        const ratio = contrastRatio(level, parseHex(theme.foreground).rgb);
        assert.ok(ratio >= theme.minimum, `level ${index}: ${ratio.toFixed(2)}:1`);
      });
    });

    it(`${theme.name}: tells each level from the next and the first from the background`, () => {
      const first = colourDifference(levels[0] as Rgb, parseHex(theme.background).rgb);
      assert.ok(first >= 7, `level 0 differs from the background by ${first.toFixed(1)}`);
      levels.slice(1).forEach((level, index) => {
        const difference = colourDifference(level, levels[index] as Rgb);
        assert.ok(difference >= 10, `levels ${index} and ${index + 1} differ by ${difference.toFixed(1)}`);
      });
    });
  }

  it('stays translucent, so a selection shows through', () => {
    for (const kind of THEME_KINDS)
      for (const colour of HEATMAP_PALETTE[kind]) assert.ok(parseHex(colour).alpha <= 0.75, `${kind} ${colour}`);
  });

  it('darkens level by level in light themes, so the order survives any colour-vision deficiency', () => {
    for (const kind of ['light', 'highContrastLight'] as const) {
      const luminance = HEATMAP_PALETTE[kind].map((colour) => relativeLuminance(blendOver(colour, '#ffffff')));
      luminance.slice(1).forEach((value, index) => assert.ok(value < (luminance[index] ?? 0), `${kind} level ${index + 1} is darker`));
    }
  });

  it('is what package.json contributes, under the ids and CSS variables the code uses', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { colors: { id: string; defaults: Record<ThemeKind, string> }[] };
    };
    const contributed = manifest.contributes.colors.filter(({ id }) => id.startsWith('llamaLens.heatmapLevel'));
    assert.equal(contributed.length, HEATMAP_LEVELS);
    contributed.forEach((colour, level) => {
      assert.equal(colour.id, levelColourId(level));
      for (const kind of THEME_KINDS) assert.equal(colour.defaults[kind], HEATMAP_PALETTE[kind][level], `${colour.id} ${kind}`);
    });
    assert.equal(levelCssVariable(3), '--vscode-llamaLens-heatmapLevel3');
  });
});
