/**
 * Colours come from the VS Code theme (CSS variables), read at draw time; a theme switch changes the
 * class on <body>, which triggers a redraw so SVG attributes set from JS follow the theme too.
 */
export function themeColor(variable: string, fallback: string): string {
  const value = getComputedStyle(document.body).getPropertyValue(variable).trim();
  return value === '' ? fallback : value;
}

export function onThemeChange(redraw: () => void): void {
  new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/** Colours of homology dimensions: distinct chart colours of the current theme. */
export function dimensionColor(dim: number): string {
  const vars = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple'];
  const fallbacks = ['#3794ff', '#d18616', '#89d185', '#b180d7'];
  return themeColor(vars[dim % vars.length], fallbacks[dim % fallbacks.length]);
}
