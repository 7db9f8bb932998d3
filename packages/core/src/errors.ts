// Every error core throws names the op, the shapes and what was expected, so a user can find the bad call.

export class NablaError extends Error {
  override name = 'NablaError';
}

/** A shape or an axis that does not fit the op. */
export class ShapeError extends NablaError {
  override name = 'ShapeError';
}

/** A value that cannot be used: NaN or Infinity in input data, a bad option, a wrong length. */
export class ValueError extends NablaError {
  override name = 'ValueError';
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
