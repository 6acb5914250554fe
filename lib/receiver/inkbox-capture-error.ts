/** A problem found while capturing the raw body; the guard raises it as an HTTP error. */
export interface InkboxCaptureError {
  readonly status: 413 | 415 | 500 | 400;
  readonly message: string;
}
