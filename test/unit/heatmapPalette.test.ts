// The heatmap's colours against the built-in themes' own editor colours: the text stays readable on every level, the
// levels stay apart (also to colour-blind eyes) and in order of lightness, and package.json contributes exactly this
// palette and the overview ruler's colour.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  blendOver,
  contrastRatio,
  linearChannel,
  parseColour,
  parseHex,
  relativeLuminance,
  type Rgb,
} from '../../src/core/lens/colourContrast';
import {
  HEATMAP_LEVELS,
  HEATMAP_PALETTE,
  levelColourId,
  levelCssVariable,
  OVERVIEW_RULER_COLOUR_ID,
  OVERVIEW_RULER_COLOURS,
  THEME_KINDS,
  type ThemeKind,
} from '../../src/core/lens/heatmapPalette';
import { REPO_ROOT } from '../support/repoPaths';

/**
 * editor.background and editor.foreground of VS Code's built-in themes (1.139), by the kind of theme they are; the
 * E2E theme test reads the four it switches to from a live workbench and holds them to the same ratios.
 */
const THEMES: { name: string; kind: ThemeKind; background: string; foreground: string; minimum: number }[] = [
  { name: 'Light 2026', kind: 'light', background: '#ffffff', foreground: '#202020', minimum: 4.5 },
  { name: 'Light Modern', kind: 'light', background: '#ffffff', foreground: '#3b3b3b', minimum: 4.5 },
  { name: 'Dark 2026', kind: 'dark', background: '#121314', foreground: '#bbbebf', minimum: 4.5 },
  { name: 'Dark Modern', kind: 'dark', background: '#1f1f1f', foreground: '#cccccc', minimum: 4.5 },
  { name: 'Dark+', kind: 'dark', background: '#1e1e1e', foreground: '#d4d4d4', minimum: 4.5 },
  { name: 'Dark High Contrast', kind: 'highContrast', background: '#000000', foreground: '#ffffff', minimum: 7 },
  { name: 'Light High Contrast', kind: 'highContrastLight', background: '#ffffff', foreground: '#292929', minimum: 7 },
];

/** CIELAB (D65) of an sRGB colour: L* is lightness, 0 to 100, and a monotone function of relative luminance. */
function lab(rgb: Rgb): [number, number, number] {
  const [r, g, b] = rgb.map(linearChannel) as [number, number, number];
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const [x, y, z] = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ];
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference: about 2.3 is just noticeable; 10 is plainly another colour. */
function colourDifference(a: Rgb, b: Rgb): number {
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(...p.map((value, index) => value - (q[index] ?? 0)));
}

type Matrix = readonly [Rgb, Rgb, Rgb];
/** Full dichromacy as Machado, Oliveira & Fernandes (2009) model it (severity 1): a matrix on linear RGB. */
const DICHROMACIES: Readonly<Record<string, Matrix>> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

/** What a dichromat sees of `rgb`, as the sRGB colour a typical eye would see the same. */
function simulate(rgb: Rgb, matrix: Matrix): Rgb {
  const linear = rgb.map(linearChannel);
  return matrix.map((row) => {
    const value = Math.min(1, Math.max(0, row.reduce((sum, weight, index) => sum + weight * (linear[index] ?? 0), 0)));
    return 255 * (value <= 0.0031308 ? 12.92 * value : 1.055 * value ** (1 / 2.4) - 0.055);
  }) as unknown as Rgb;
}

/** The lowest text contrast over the levels of a theme, with the level it is on. */
function lowestContrast(levels: readonly Rgb[], foreground: string): { ratio: number; level: number } {
  return levels
    .map((level, index) => ({ ratio: contrastRatio(level, parseHex(foreground).rgb), level: index }))
    .reduce((low, entry) => (entry.ratio < low.ratio ? entry : low));
}

describe('heatmap palette', () => {
  it('computes WCAG contrast and blends translucent colours', () => {
    assert.equal(contrastRatio([0, 0, 0], [255, 255, 255]).toFixed(1), '21.0');
    assert.deepEqual(blendOver('#ff000080', '#0000ff').map(Math.round), [128, 0, 127]);
    assert.deepEqual(parseHex('#102030'), { rgb: [16, 32, 48], alpha: 1 });
    assert.throws(() => parseHex('red'), /not a #rrggbb/);
  });

  it('reads the colours getComputedStyle gives, and blends them like the hex ones', () => {
    assert.deepEqual(parseColour('rgb(16, 32, 48)'), { rgb: [16, 32, 48], alpha: 1 });
    assert.deepEqual(parseColour('rgba(0, 0, 0, 0)'), { rgb: [0, 0, 0], alpha: 0 });
    assert.deepEqual(parseColour('rgba(254, 222, 135, 0.6)'), { rgb: [254, 222, 135], alpha: 0.6 });
    assert.deepEqual(parseColour('rgb(1 2 3 / 50%)'), { rgb: [1, 2, 3], alpha: 0.5 });
    assert.deepEqual(parseColour(' #fede8799 '), parseHex('#fede8799'));
    assert.deepEqual(blendOver('rgba(255, 0, 0, 0.5)', 'rgb(0, 0, 255)'), [127.5, 0, 127.5]);
    for (const wrong of ['red', 'rgb(300, 0, 0)', 'rgba(0, 0, 0, 2)', 'rgb(0, 0)', 'hsl(0, 0%, 0%)'])
      assert.throws(() => parseColour(wrong), /colour|over/, wrong);
  });

  for (const theme of THEMES) {
    const background = parseHex(theme.background).rgb;
    const levels = HEATMAP_PALETTE[theme.kind].map((colour) => blendOver(colour, theme.background));

    it(`${theme.name}: keeps the theme's text at ${theme.minimum}:1 or more on every level`, () => {
      assert.equal(levels.length, HEATMAP_LEVELS);
      levels.forEach((level, index) => {
        const ratio = contrastRatio(level, parseHex(theme.foreground).rgb);
        assert.ok(ratio >= theme.minimum, `level ${index}: ${ratio.toFixed(2)}:1`);
      });
      const lowest = lowestContrast(levels, theme.foreground);
      assert.ok(lowest.ratio >= theme.minimum, `lowest ${lowest.ratio.toFixed(2)}:1 on level ${lowest.level}`);
    });

    it(`${theme.name}: leaves the expected tokens on the background and moves away from it in lightness, level by level`, () => {
      assert.deepEqual(levels[0], background, 'level 0 is the background itself');
      // L* rises with luminance, so this is the luminance order, with a step that stays visible side by side: on a
      // light background each level is darker than the one before, on a dark one lighter.
      const away = relativeLuminance(background) > 0.5 ? -1 : 1;
      levels.slice(1).forEach((level, index) => {
        const step = away * (lab(level)[0] - lab(levels[index] as Rgb)[0]);
        assert.ok(step >= 3, `level ${index + 1} is ${step.toFixed(1)} L* further from the background than level ${index}`);
      });
    });

    it(`${theme.name}: tells each level from the one before, also in simulated protanopia, deuteranopia and tritanopia`, () => {
      const visions: [string, (rgb: Rgb) => Rgb][] = [
        ['normal vision', (rgb) => rgb],
        ...Object.entries(DICHROMACIES).map(([name, matrix]): [string, (rgb: Rgb) => Rgb] => [name, (rgb) => simulate(rgb, matrix)]),
      ];
      for (const [vision, see] of visions) {
        levels.slice(1).forEach((level, index) => {
          const difference = colourDifference(see(level), see(levels[index] as Rgb));
          assert.ok(difference >= 10, `${vision}: levels ${index} and ${index + 1} differ by ${difference.toFixed(1)}`);
        });
      }
    });

    it(`${theme.name}: marks the overview ruler in a colour that stands out from the background (3:1)`, () => {
      const ratio = contrastRatio(parseHex(OVERVIEW_RULER_COLOURS[theme.kind]).rgb, background);
      assert.ok(ratio >= 3, `${ratio.toFixed(2)}:1`);
    });
  }

  it('stays translucent, so a selection shows through, and leaves level 0 transparent', () => {
    for (const kind of THEME_KINDS) {
      assert.equal(parseHex(HEATMAP_PALETTE[kind][0] ?? '').alpha, 0, kind);
      for (const colour of HEATMAP_PALETTE[kind]) assert.ok(parseHex(colour).alpha <= 0.75, `${kind} ${colour}`);
    }
  });

  it('simulates dichromacy as the model says: grey stays grey, and red and green meet for a deuteranope', () => {
    for (const matrix of Object.values(DICHROMACIES))
      assert.deepEqual(simulate([128, 128, 128], matrix).map(Math.round), [128, 128, 128]);
    const [red, green]: [Rgb, Rgb] = [[204, 0, 0], [102, 128, 0]];
    const deuteranope = (rgb: Rgb) => simulate(rgb, DICHROMACIES.deuteranopia as Matrix);
    assert.ok(colourDifference(red, green) > 50, 'plainly apart in normal vision');
    assert.ok(colourDifference(deuteranope(red), deuteranope(green)) < 5, 'all but the same to a deuteranope');
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
    const ruler = manifest.contributes.colors.find(({ id }) => id === OVERVIEW_RULER_COLOUR_ID);
    assert.deepEqual(ruler?.defaults, OVERVIEW_RULER_COLOURS);
    assert.equal(levelCssVariable(3), '--vscode-llamaLens-heatmapLevel3');
  });
});
