// The live plot: training loss (left axis) and test accuracy (right axis) against the step, drawn on a
// canvas. The current run is drawn in colour; an earlier run, if any, in grey beneath it.

export const LOSS_COLOUR = '#1f77b4';
export const ACCURACY_COLOUR = '#ff7f0e';
const PREVIOUS_COLOUR = '#b9b9b9';

export interface Curves {
  /** Loss of every step, step i at index i. */
  losses: readonly number[];
  /** Test accuracy (0..1) at some steps. */
  accuracies: readonly { step: number; accuracy: number }[];
}

/** Exponential moving average, seeded with the first value, so the smoothed curve starts where the data does. */
export function smooth(values: readonly number[], weight = 0.9): number[] {
  const out: number[] = [];
  let ema = values[0] ?? 0;
  for (const v of values) {
    ema = weight * ema + (1 - weight) * v;
    out.push(ema);
  }
  return out;
}

/** A round upper limit for the step axis: at least `min`, and above the longest run drawn. */
function stepLimit(steps: number, min: number): number {
  const target = Math.max(steps, min);
  const power = 10 ** Math.floor(Math.log10(target));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= target) return m * power;
  return 10 * power;
}

export function drawPlot(canvas: HTMLCanvasElement, current: Curves | null, previous: Curves | null): void {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 760;
  const cssHeight = canvas.clientHeight || 360;
  if (canvas.width !== Math.round(cssWidth * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = Math.round(cssHeight * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, cssWidth, cssHeight);

  const left = 52, right = cssWidth - 52, top = 16, bottom = cssHeight - 36;
  const runs = [previous, current].filter((c): c is Curves => c !== null);
  const steps = Math.max(0, ...runs.map((r) => r.losses.length));
  const xMax = stepLimit(steps, 100);
  const lossMax = Math.max(2.5, ...runs.map((r) => Math.min(10, Math.max(0, ...r.losses.slice(0, 20)))));
  const x = (step: number): number => left + (step / xMax) * (right - left);
  const yLoss = (loss: number): number => bottom - (Math.min(loss, lossMax) / lossMax) * (bottom - top);
  const yAcc = (acc: number): number => bottom - acc * (bottom - top);

  // Grid and axes.
  ctx.font = '12px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#e4e4e4';
  ctx.fillStyle = '#555';
  for (let i = 0; i <= 5; i++) {
    const y = bottom - (i / 5) * (bottom - top);
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(((lossMax * i) / 5).toFixed(1), left - 6, y + 4);
    ctx.textAlign = 'left';
    ctx.fillText(`${i * 20}%`, right + 6, y + 4);
  }
  ctx.textAlign = 'center';
  for (let i = 0; i <= 5; i++) {
    const step = (xMax * i) / 5;
    ctx.fillText(String(step), x(step), bottom + 16);
  }
  ctx.fillText('step', (left + right) / 2, bottom + 31);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(left, top, right - left, bottom - top);

  const line = (points: [number, number][], colour: string, width: number, alpha = 1): void => {
    if (points.length === 0) return;
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    points.forEach(([px, py], i) => (i === 0 ? ctx.moveTo(px, py) : ctx.lineTo(px, py)));
    if (points.length === 1) ctx.lineTo(points[0]![0] + 1, points[0]![1]);
    ctx.stroke();
    ctx.globalAlpha = 1;
  };
  const dots = (points: [number, number][], colour: string): void => {
    ctx.fillStyle = colour;
    for (const [px, py] of points) {
      ctx.beginPath();
      ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  };

  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top - 4, right - left, bottom - top + 8);
  ctx.clip();
  if (previous) {
    line(smooth(previous.losses).map((l, i) => [x(i), yLoss(l)]), PREVIOUS_COLOUR, 2);
    line(previous.accuracies.map((a) => [x(a.step), yAcc(a.accuracy)]), PREVIOUS_COLOUR, 2);
  }
  if (current) {
    line(current.losses.map((l, i) => [x(i), yLoss(l)]), LOSS_COLOUR, 1, 0.3);
    line(smooth(current.losses).map((l, i) => [x(i), yLoss(l)]), LOSS_COLOUR, 2.5);
    const acc = current.accuracies.map((a): [number, number] => [x(a.step), yAcc(a.accuracy)]);
    line(acc, ACCURACY_COLOUR, 2.5);
    dots(acc, ACCURACY_COLOUR);
  }
  ctx.restore();
}
