/**
 * A weight vector as a picture, d3 style: `weightImage().shape([28, 28]).scale(4).range(m)(canvas, values)`.
 * With a shape (an MNIST first layer's 784 inputs) it is a 28x28 image; without one, a one-row strip of
 * bars. Diverging colours: negative blue, zero the background, positive red, symmetric around 0 so two
 * images drawn with the same `range` compare.
 */
import * as d3 from 'd3';

export function weightImage() {
  let shape: [number, number] | null = null;
  let scale = 3;
  let range: number | undefined;
  let stripHeight = 24;

  function draw(canvas: HTMLCanvasElement, values: ArrayLike<number>): HTMLCanvasElement {
    const m = range ?? Math.max(1e-12, d3.max(Array.from(values), (v) => Math.abs(v)) ?? 1);
    const colour = d3.scaleDiverging<string>((t) => d3.interpolateRdBu(1 - t)).domain([-m, 0, m]).clamp(true);
    const [rows, cols] = shape ?? [1, values.length];
    const cell = scale;
    canvas.width = shape ? cols * cell : Math.max(cols, 28 * scale);
    canvas.height = shape ? rows * cell : stripHeight;
    const cw = canvas.width / cols;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = colour(values[r * cols + c]);
        if (shape) ctx.fillRect(c * cell, r * cell, cell, cell);
        else ctx.fillRect(c * cw, 0, Math.ceil(cw), stripHeight);
      }
    }
    canvas.setAttribute('data-range', String(m));
    return canvas;
  }

  draw.shape = (s: [number, number] | null) => { shape = s; return draw; };
  /** Pixels per weight for images. */
  draw.scale = (s: number) => { scale = s; return draw; };
  /** Colour range ±m (default: the vector's own largest magnitude). */
  draw.range = (m: number | undefined) => { range = m; return draw; };
  draw.stripHeight = (h: number) => { stripHeight = h; return draw; };
  return draw;
}
