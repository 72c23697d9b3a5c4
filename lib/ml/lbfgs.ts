// L-BFGS minimization with a backtracking (Armijo) line search. Fully deterministic.

/** Writes the gradient at x into gradient and returns the objective. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsOptions {
  maxIterations: number;
  memory: number;
  /** Stop when the largest gradient component is below this. */
  gradientTolerance: number;
}

const DEFAULTS: LbfgsOptions = { maxIterations: 300, memory: 10, gradientTolerance: 1e-8 };

export function minimizeLbfgs(objective: Objective, start: Float64Array, options: Partial<LbfgsOptions> = {}): Float64Array {
  const { maxIterations, memory, gradientTolerance } = { ...DEFAULTS, ...options };
  const size = start.length;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(size);
  let value = objective(x, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const direction = new Float64Array(size);
  const alphas = new Float64Array(memory);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) < gradientTolerance) break;
    // Two-loop recursion: direction = -H gradient.
    direction.set(gradient);
    for (let m = steps.length - 1; m >= 0; m--) {
      alphas[m] = dot(steps[m]!, direction) / dot(changes[m]!, steps[m]!);
      axpy(-alphas[m]!, changes[m]!, direction);
    }
    if (steps.length > 0) {
      const last = steps.length - 1;
      scale(direction, dot(steps[last]!, changes[last]!) / dot(changes[last]!, changes[last]!));
    } else scale(direction, 1 / Math.max(1, Math.sqrt(dot(gradient, gradient))));
    for (let m = 0; m < steps.length; m++) {
      const beta = dot(changes[m]!, direction) / dot(changes[m]!, steps[m]!);
      axpy(alphas[m]! - beta, steps[m]!, direction);
    }
    scale(direction, -1);
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      direction.set(gradient);
      scale(direction, -1 / Math.max(1, Math.sqrt(dot(gradient, gradient))));
      slope = dot(gradient, direction);
    }
    let stepLength = 1;
    let next = new Float64Array(size);
    let nextGradient = new Float64Array(size);
    let nextValue = Infinity;
    for (let attempt = 0; attempt < 50; attempt++) {
      for (let i = 0; i < size; i++) next[i] = x[i]! + stepLength * direction[i]!;
      nextValue = objective(next, nextGradient);
      if (nextValue <= value + 1e-4 * stepLength * slope) break;
      stepLength /= 2;
    }
    if (!(nextValue <= value)) break;
    const step = new Float64Array(size);
    const change = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      step[i] = next[i]! - x[i]!;
      change[i] = nextGradient[i]! - gradient[i]!;
    }
    if (dot(step, change) > 1e-12) {
      steps.push(step);
      changes.push(change);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
      }
    }
    const improvement = value - nextValue;
    [x, next] = [next, x];
    [gradient, nextGradient] = [nextGradient, gradient];
    value = nextValue;
    if (improvement <= 1e-14 * Math.max(1, Math.abs(value))) break;
  }
  return x;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function axpy(factor: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + factor * x[i]!;
}

function scale(x: Float64Array, factor: number): void {
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * factor;
}

function maxAbs(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i]!));
  return max;
}
