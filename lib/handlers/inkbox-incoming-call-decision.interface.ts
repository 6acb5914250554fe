/**
 * The answer to an incoming call, sent to Inkbox as the JSON body of a 200: `answer` connects the
 * call (to `client_websocket_url` when given, else to the phone number's configured URL); `reject`
 * declines it.
 */
export interface InkboxIncomingCallDecision {
  action: 'answer' | 'reject';
  /** Where Inkbox should stream the answered call (`wss://…`). Only with `answer`. */
  client_websocket_url?: string;
}

/** What the `@OnInkboxIncomingCall()` method is told about the request besides the call. */
export interface InkboxIncomingCallContext {
  /** `X-Inkbox-Request-ID` of this request. */
  readonly requestId: string;
  /** Path parameters of the incoming-call route. */
  readonly params: Readonly<Record<string, string>>;
}
