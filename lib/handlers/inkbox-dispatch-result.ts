/** What the dispatcher concluded for one delivery; the controller turns it into the HTTP answer. */
export type InkboxDispatchResult =
  | { readonly outcome: 'processed' | 'ignored' | 'duplicate' }
  | {
      readonly outcome: 'failed';
      readonly failed: readonly string[];
      /** a redelivery runs only the failed handlers */
      readonly retriesFailedOnly: boolean;
      /** what the failed handlers threw, in the order of `failed` */
      readonly errors?: readonly unknown[];
    }
  | { readonly outcome: 'in-flight'; readonly busy: readonly string[] }
  | { readonly outcome: 'store-unavailable'; readonly message: string };
