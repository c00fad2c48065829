// The heatmap's colour levels, one palette per kind of theme. package.json contributes them as theme colours
// (`llamaLens.heatmapLevel0` …), so the editor decorations and the Lens's legend both follow the active theme and a
// user can override them (workbench.colorCustomizations); a unit test holds package.json equal to this table.
//
// Each palette runs cool to hot (blue-grey, green, yellow, orange, salmon, pink), lightest to darkest in light themes.
// The colours are translucent, so a selection under them still shows, and chosen so that the theme's own text colour
// keeps at least 4.5:1 contrast on every level (7:1 in high-contrast themes), checked in the unit tests.

export const HEATMAP_LEVELS = 6;

export const THEME_KINDS = ['light', 'dark', 'highContrast', 'highContrastLight'] as const;
export type ThemeKind = (typeof THEME_KINDS)[number];

export const HEATMAP_PALETTE: Readonly<Record<ThemeKind, readonly string[]>> = {
  light: ['#d9e3f399', '#9ddcb499', '#ebc12b99', '#ffa53c99', '#ff705899', '#f25a9b99'],
  dark: ['#253045b3', '#18513db3', '#4e511bb3', '#6f4704b3', '#8d321bb3', '#9c266db3'],
  highContrast: ['#25334db3', '#1c553fb3', '#535522b3', '#724d0eb3', '#8d3922b3', '#9a2e72b3'],
  highContrastLight: ['#d9e3f399', '#9ddcb499', '#ebc12b99', '#ffb15799', '#ff877399', '#f57fb199'],
};

/** The theme colour id of a level, as package.json contributes it. */
export function levelColourId(level: number): string {
  return `llamaLens.heatmapLevel${level}`;
}

/** The CSS variable VS Code gives a webview for a level's colour (the id's dot becomes a dash). */
export function levelCssVariable(level: number): string {
  return `--vscode-${levelColourId(level).replace('.', '-')}`;
}
