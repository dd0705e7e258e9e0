/** Tiny DOM helpers so panels read as structure, not as createElement noise. */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** Numbers for people: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? String(Number(x.toPrecision(4))) : x.toExponential(3);
}
