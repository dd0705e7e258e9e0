/** Thrown by long topology computations when their `isCancelled` callback returns true. */
export class CancelledError extends Error {
  constructor(message = 'computation cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Throws `CancelledError` if the caller asked to stop. */
export function checkCancelled(isCancelled: (() => boolean) | undefined): void {
  if (isCancelled?.()) throw new CancelledError();
}
