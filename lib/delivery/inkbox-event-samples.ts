import { randomUUID } from 'node:crypto';

/**
 * Realistic `data` objects (and the flat incoming call) for every family but mail, in the current
 * Inkbox shape, used by `createInkboxEvent`. Plain objects only: no event classes are loaded.
 */

const AGENT_NUMBER = '+14155550100';
const CUSTOMER_NUMBER = '+14155550999';
/** A fresh address-book match for the caller (a new object each time: callers may change it). */
const contact = (): Record<string, unknown> => ({
  id: '550e8400-e29b-41d4-a716-446655440000',
  name: 'Jane Doe',
  memories: [],
});

type Sample = Record<string, unknown>;

/** `data` of a text event of `type` (`text.received`, `text.sent`, …). */
export function textEventData(type: string, now: string): Sample {
  const inbound = type === 'text.received';
  const status = inbound ? null : type.slice('text.'.length);
  const failed = status === 'delivery_failed';
  const lifecycle = {
    error_code: failed ? '30007' : null,
    error_detail: failed ? 'Message filtered by carrier' : null,
    sent_at: inbound ? null : now,
    delivered_at: status === 'delivered' ? now : null,
    failed_at: failed ? now : null,
  };
  return {
    text_message: {
      id: randomUUID(),
      direction: inbound ? 'inbound' : 'outbound',
      local_phone_number: AGENT_NUMBER,
      remote_phone_number: CUSTOMER_NUMBER,
      text: inbound ? 'Hi, is anyone there?' : 'Thanks for reaching out!',
      type: 'sms',
      media: null,
      is_read: false,
      delivery_status: status,
      origin: 'user_initiated',
      ...lifecycle,
      conversation_id: randomUUID(),
      sender_phone_number: inbound ? CUSTOMER_NUMBER : null,
      recipients: inbound
        ? null
        : [
            {
              recipient_phone_number: CUSTOMER_NUMBER,
              delivery_status: status,
              carrier: null,
              line_type: null,
              ...lifecycle,
            },
          ],
      created_at: now,
      updated_at: now,
    },
    contacts: [contact()],
    agent_identities: [],
    recipient_phone_number: null,
  };
}

function imessageMessage(type: string, now: string): Sample {
  const inbound = type === 'imessage.received';
  const failed = type === 'imessage.delivery_failed';
  const status = inbound ? 'received' : failed ? 'error' : type.slice('imessage.'.length);
  const errors = {
    error_code: failed ? 'delivery_error' : null,
    error_message: failed ? 'The message could not be delivered.' : null,
    error_reason: null,
    error_detail: null,
  };
  return {
    id: randomUUID(),
    conversation_id: randomUUID(),
    assignment_id: randomUUID(),
    direction: inbound ? 'inbound' : 'outbound',
    remote_number: CUSTOMER_NUMBER,
    sender_number: inbound ? CUSTOMER_NUMBER : null,
    participants: null,
    is_group: false,
    content: inbound ? 'Can we move our call to 3pm?' : 'Sure, 3pm works.',
    message_type: 'message',
    service: 'imessage',
    send_style: null,
    media: null,
    was_downgraded: false,
    status,
    ...errors,
    is_read: false,
    recipients: inbound
      ? null
      : [
          {
            remote_number: CUSTOMER_NUMBER,
            delivery_status: status,
            service: 'imessage',
            ...errors,
            sent_at: now,
            delivered_at: status === 'delivered' ? now : null,
            failed_at: failed ? now : null,
          },
        ],
    reactions: [],
    created_at: now,
    updated_at: now,
  };
}

/** `data` of an iMessage event of `type`: a message, or a reaction on `imessage.reaction_received`. */
export function imessageEventData(type: string, now: string): Sample {
  const reaction =
    type === 'imessage.reaction_received'
      ? {
          id: randomUUID(),
          conversation_id: randomUUID(),
          assignment_id: randomUUID(),
          target_message_id: randomUUID(),
          direction: 'inbound',
          reaction: 'love',
          custom_emoji: null,
          remote_number: CUSTOMER_NUMBER,
          part_index: 0,
          created_at: now,
          updated_at: now,
        }
      : null;
  return {
    message: reaction ? null : imessageMessage(type, now),
    reaction,
    contacts: [contact()],
    agent_identities: [],
  };
}

/** `data` of `call.ended`: a two-minute inbound call with its transcript. */
export function callEndedEventData(now: string): Sample {
  const id = randomUUID();
  const url = `https://inkbox.ai/api/v1/phone/calls/${id}/transcripts`;
  return {
    call: {
      id,
      origin: 'dedicated_number',
      local_phone_number: AGENT_NUMBER,
      remote_phone_number: CUSTOMER_NUMBER,
      direction: 'inbound',
      status: 'completed',
      hangup_reason: 'remote',
      started_at: now,
      ended_at: now,
      created_at: now,
      updated_at: now,
      duration_seconds: 123,
      mode: 'client_websocket',
      reason: null,
    },
    contacts: [contact()],
    agent_identities: [],
    transcript: {
      entries: [
        { party: 'remote', text: 'Hi, I need to reschedule my appointment.', ts_ms: 0 },
        { party: 'local', text: "You're all set for Thursday at 2pm.", ts_ms: 6100 },
      ],
      abridged: false,
      url,
    },
    transcript_url: url,
    outcome: null,
    post_call_action_items: [],
  };
}

const A2A_STATE: Record<string, string> = {
  'a2a.task.created': 'submitted',
  'a2a.task.message': 'working',
  'a2a.task.canceled': 'canceled',
  'a2a.sent_task.updated': 'completed',
};

/** `data` of an A2A event of `type`; with `message_id` and `parts` except on a cancel. */
export function a2aEventData(type: string): Sample {
  const data: Sample = {
    task_id: randomUUID(),
    context_id: randomUUID(),
    state: A2A_STATE[type] ?? 'working',
    caller: { identity_id: randomUUID(), organization_id: 'org_caller', handle: 'scheduler' },
  };
  if (type !== 'a2a.task.canceled') {
    data.message_id = randomUUID();
    data.parts = [{ kind: 'text', text: 'Please book a table for two at 7pm.' }];
  }
  return data;
}

/** The flat `phone.incoming_call` payload: a call ringing on the agent's number. */
export function incomingCallPayload(now: string): Sample {
  return {
    id: randomUUID(),
    local_phone_number: AGENT_NUMBER,
    remote_phone_number: CUSTOMER_NUMBER,
    direction: 'inbound',
    status: 'initiated',
    client_websocket_url: null,
    use_inkbox_tts: null,
    use_inkbox_stt: null,
    hangup_reason: null,
    started_at: null,
    ended_at: null,
    created_at: now,
    updated_at: now,
    rate_limit: {
      calls_used: 4,
      calls_remaining: 96,
      calls_limit: 100,
      minutes_used: 12.5,
      minutes_remaining: 287.5,
      minutes_limit: 300,
    },
    contacts: [contact()],
    agent_identities: [],
  };
}
