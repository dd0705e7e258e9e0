/**
 * A rotatable 3-D scatter on a canvas (no WebGL), d3 style:
 * `surfaceScatter().width(w).height(h).rotation([yaw, pitch]).color(f).onRotate(f)(canvas, coords, n)`.
 *
 * Orthographic projection of the points (row-major n x 3) after a yaw about the vertical axis and a pitch
 * about the horizontal one; drawn back to front so near points cover far ones. Drag to rotate. Tens of
 * thousands of points redraw within a frame.
 */
import { themeColor } from '../shared/theme';

export function surfaceScatter() {
  let width = 480;
  let height = 360;
  let rotation: [number, number] = [0.6, 0.35];
  let color: (index: number) => string = () => '#888';
  let rotate: (r: [number, number]) => void = () => undefined;
  let labels: [string, string, string] = ['PC1', 'PC2', 'PC3'];

  function chart(canvas: HTMLCanvasElement, coords: ArrayLike<number>, n: number): HTMLCanvasElement {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    canvas.classList.add('surface-scatter');
    canvas.setAttribute('data-points', String(n));
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    let extent = 1e-12;
    for (let i = 0; i < 3 * n; i++) extent = Math.max(extent, Math.abs(coords[i]));
    const draw = () => {
      const [yaw, pitch] = rotation;
      const cy = Math.cos(yaw), sy = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
      const project = (x: number, y: number, z: number): [number, number, number] => {
        const x1 = cy * x + sy * z;
        const z1 = -sy * x + cy * z;
        return [x1, cp * y - sp * z1, sp * y + cp * z1];
      };
      const px = new Float64Array(n), py = new Float64Array(n), depth = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const [a, b, c] = project(coords[3 * i], coords[3 * i + 1], coords[3 * i + 2]);
        px[i] = a; py[i] = b; depth[i] = c;
      }
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => depth[a] - depth[b]);
      const s = (0.45 * Math.min(width, height)) / extent;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, width, height);
      // Axes of the PCA frame, projected.
      const muted = themeColor('--vscode-descriptionForeground', '#999');
      ctx.strokeStyle = muted;
      ctx.fillStyle = muted;
      ctx.font = '11px sans-serif';
      const axes: [number, number, number][] = [[extent, 0, 0], [0, extent, 0], [0, 0, extent]];
      axes.forEach((v, k) => {
        const [a, b] = project(...v);
        ctx.beginPath();
        ctx.moveTo(width / 2, height / 2);
        ctx.lineTo(width / 2 + s * a, height / 2 - s * b);
        ctx.stroke();
        ctx.fillText(labels[k], width / 2 + s * a + 3, height / 2 - s * b);
      });
      for (const i of order) {
        ctx.fillStyle = color(i);
        ctx.fillRect(width / 2 + s * px[i] - 1, height / 2 - s * py[i] - 1, 2, 2);
      }
    };
    draw();
    let dragging: { x: number; y: number; r: [number, number] } | undefined;
    canvas.onpointerdown = (e) => { dragging = { x: e.clientX, y: e.clientY, r: rotation }; canvas.setPointerCapture(e.pointerId); };
    canvas.onpointermove = (e) => {
      if (!dragging) return;
      const pitch = Math.max(-Math.PI / 2, Math.min(Math.PI / 2, dragging.r[1] + (e.clientY - dragging.y) / 150));
      rotation = [dragging.r[0] + (e.clientX - dragging.x) / 150, pitch];
      draw();
    };
    canvas.onpointerup = () => { if (dragging) { dragging = undefined; rotate(rotation); } };
    return canvas;
  }

  chart.width = (w: number) => { width = w; return chart; };
  chart.height = (h: number) => { height = h; return chart; };
  /** [yaw, pitch] in radians. */
  chart.rotation = (r: [number, number]) => { rotation = r; return chart; };
  chart.color = (f: (index: number) => string) => { color = f; return chart; };
  chart.labels = (l: [string, string, string]) => { labels = l; return chart; };
  /** Called with the new rotation when a drag ends (to persist it). */
  chart.onRotate = (f: (r: [number, number]) => void) => { rotate = f; return chart; };
  return chart;
}
