/**
 * Outside VS Code no theme defines the `--vscode-*` variables the panels draw with (media/panel.css, the
 * charts, @vscode-elements), so a report page sets them itself: the colours of VS Code's default light
 * theme ("Light Modern"), and of "Dark Modern" when the reader's system prefers dark. The panels keep
 * reading variables only, as in VS Code.
 */
const LIGHT: Record<string, string> = {
  'font-family': 'system-ui, -apple-system, "Segoe UI", Ubuntu, "Droid Sans", sans-serif',
  'font-size': '13px',
  'font-weight': 'normal',
  foreground: '#3b3b3b',
  'editor-foreground': '#3b3b3b',
  'editor-background': '#ffffff',
  descriptionForeground: '#717171',
  errorForeground: '#f85149',
  focusBorder: '#005fb8',
  'panel-border': '#e5e5e5',
  'widget-shadow': 'rgba(0, 0, 0, 0.16)',
  'editorWidget-border': '#c8c8c8',
  'editorWarning-foreground': '#bf8803',
  'editorHoverWidget-background': '#f8f8f8',
  'editorHoverWidget-foreground': '#3b3b3b',
  'editorHoverWidget-border': '#c8c8c8',
  'progressBar-background': '#005fb8',
  'testing-iconPassed': '#388a34',
  'charts-blue': '#1a85ff',
  'charts-red': '#e51400',
  'charts-orange': '#d18616',
  'charts-green': '#388a34',
  'charts-yellow': '#bf8803',
  'charts-purple': '#652d90',
  'button-background': '#005fb8',
  'button-foreground': '#ffffff',
  'button-border': 'rgba(0, 0, 0, 0.1)',
  'button-hoverBackground': '#0258a8',
  'button-separator': 'rgba(255, 255, 255, 0.4)',
  'button-secondaryBackground': '#e5e5e5',
  'button-secondaryForeground': '#3b3b3b',
  'button-secondaryHoverBackground': '#cccccc',
  'badge-background': '#cccccc',
  'badge-foreground': '#3b3b3b',
  'input-background': '#ffffff',
  'input-foreground': '#3b3b3b',
  'input-border': '#cecece',
  'input-placeholderForeground': '#767676',
  'inputValidation-errorBackground': '#f2dede',
  'inputValidation-errorBorder': '#be1100',
  'list-activeSelectionBackground': '#e8e8e8',
  'list-activeSelectionForeground': '#000000',
  'list-hoverBackground': '#f2f2f2',
  'list-hoverForeground': '#3b3b3b',
  'list-focusOutline': '#005fb8',
  'list-highlightForeground': '#0066bf',
  'list-focusHighlightForeground': '#0066bf',
  'settings-checkboxBackground': '#f8f8f8',
  'settings-checkboxBorder': '#cecece',
  'settings-checkboxForeground': '#3b3b3b',
  'settings-dropdownBackground': '#ffffff',
  'settings-dropdownBorder': '#cecece',
  'settings-dropdownForeground': '#3b3b3b',
  'settings-dropdownListBorder': '#c8c8c8',
  'settings-textInputBackground': '#ffffff',
  'settings-textInputBorder': '#cecece',
  'settings-textInputForeground': '#3b3b3b',
};

const DARK: Record<string, string> = {
  ...LIGHT,
  foreground: '#cccccc',
  'editor-foreground': '#cccccc',
  'editor-background': '#1f1f1f',
  descriptionForeground: '#9d9d9d',
  focusBorder: '#0078d4',
  'panel-border': '#2b2b2b',
  'widget-shadow': 'rgba(0, 0, 0, 0.36)',
  'editorWidget-border': '#454545',
  'editorHoverWidget-background': '#202020',
  'editorHoverWidget-foreground': '#cccccc',
  'editorHoverWidget-border': '#454545',
  'progressBar-background': '#0078d4',
  'testing-iconPassed': '#73c991',
  'charts-blue': '#3794ff',
  'charts-red': '#f14c4c',
  'charts-green': '#89d185',
  'charts-yellow': '#cca700',
  'charts-purple': '#b180d7',
  'button-background': '#0078d4',
  'button-hoverBackground': '#026ec1',
  'button-secondaryBackground': '#313131',
  'button-secondaryForeground': '#cccccc',
  'button-secondaryHoverBackground': '#3c3c3c',
  'badge-background': '#616161',
  'badge-foreground': '#f8f8f8',
  'input-background': '#313131',
  'input-foreground': '#cccccc',
  'input-border': '#3c3c3c',
  'list-activeSelectionBackground': '#04395e',
  'list-activeSelectionForeground': '#ffffff',
  'list-hoverBackground': '#2a2d2e',
  'list-hoverForeground': '#cccccc',
  'settings-checkboxBackground': '#313131',
  'settings-checkboxBorder': '#3c3c3c',
  'settings-checkboxForeground': '#cccccc',
  'settings-dropdownBackground': '#313131',
  'settings-dropdownBorder': '#3c3c3c',
  'settings-dropdownForeground': '#cccccc',
  'settings-dropdownListBorder': '#454545',
  'settings-textInputBackground': '#313131',
  'settings-textInputBorder': '#3c3c3c',
  'settings-textInputForeground': '#cccccc',
};

const block = (vars: Record<string, string>) => Object.entries(vars).map(([k, v]) => `  --vscode-${k}: ${v};`).join('\n');

/** The variables for a page; `dark` follows the reader's system setting when 'auto'. */
export function themeCss(mode: 'light' | 'dark' | 'auto' = 'auto'): string {
  if (mode === 'light') return `:root {\n${block(LIGHT)}\n  color-scheme: light;\n}\n`;
  if (mode === 'dark') return `:root {\n${block(DARK)}\n  color-scheme: dark;\n}\n`;
  return `:root {\n${block(LIGHT)}\n}\n@media (prefers-color-scheme: dark) {\n:root {\n${block(DARK)}\n}\n}\n`;
}

/** The body class VS Code sets for a theme kind (some styles key on it). */
export function themeBodyClass(mode: 'light' | 'dark'): string {
  return mode === 'dark' ? 'vscode-dark' : 'vscode-light';
}
