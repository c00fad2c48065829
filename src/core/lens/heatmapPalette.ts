// The heatmap's colour levels, one palette per kind of theme. package.json contributes them as theme colours
// (`llamaLens.heatmapLevel0` …), so the editor decorations and the Lens's legend both follow the active theme and a
// user can override them (workbench.colorCustomizations); a unit test holds package.json equal to this table.
//
// Level 0 (the tokens the model expected: most of any file) is transparent, so ordinary code keeps the editor's own
// background. Levels 1–5 run pale yellow, orange, coral, pink, purple: one sequential ramp whose lightness moves one
// way only (darker level by level on a light background, lighter on a dark one), so the order still reads in
// greyscale and for any colour-vision deficiency, and no step leans on telling red from green. The unit tests check,
// over each built-in theme's own editor background and text colours: the text keeps 4.5:1 contrast on every level
// (7:1 in high-contrast themes), the lightness steps at least 3 CIE L* from level to level, and neighbouring levels
// stay apart in normal vision and in simulated protanopia, deuteranopia and tritanopia. The colours are translucent,
// so a selection under them still shows.

export const HEATMAP_LEVELS = 6;

export const THEME_KINDS = ['light', 'dark', 'highContrast', 'highContrastLight'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];

export const HEATMAP_PALETTE: Readonly<Record<ThemeKind, readonly string[]>> = {
  light: ['#00000000', '#fede8799', '#ffaf4299', '#ff797f99', '#ff3e8899', '#d034d799'],
  dark: ['#00000000', '#3f2e1abf', '#642f05bf', '#832931bf', '#a01857bf', '#973a8dbf'],
  highContrast: ['#00000000', '#332f20bf', '#553400bf', '#9e450bbf', '#ca1e76bf', '#b448b4bf'],
  highContrastLight: ['#00000000', '#f6e39f99', '#ffc36499', '#fe997999', '#ff69b899', '#c95cf499'],
};

/** Tokens at this level or above (the two hottest) also mark their line in the editor's overview ruler. */
export const OVERVIEW_RULER_FROM_LEVEL = HEATMAP_LEVELS - 2;

export const OVERVIEW_RULER_COLOUR_ID = 'llamaLens.heatmapOverviewRuler';

/** Opaque, so a mark stands out in the narrow ruler; purple, apart from the ruler's red errors and blue changes. */
export const OVERVIEW_RULER_COLOURS: Readonly<Record<ThemeKind, string>> = {
  light: '#a01fa8',
  dark: '#d65ad8',
  highContrast: '#ff7aff',
  highContrastLight: '#8a1592',
};

/** The theme colour id of a level, as package.json contributes it. */
export function levelColourId(level: number): string {
  return `llamaLens.heatmapLevel${level}`;
}

/** The CSS variable VS Code gives a webview (and the workbench) for a theme colour: the id's dot becomes a dash. */
export function colourCssVariable(id: string): string {
  return `--vscode-${id.replace('.', '-')}`;
}

/** The CSS variable of a level's colour. */
export function levelCssVariable(level: number): string {
  return colourCssVariable(levelColourId(level));
}
