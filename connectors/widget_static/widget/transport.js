// Talking to the widget's own server (docs/widget-api.md), and the one thing kept
// on the device: the random conversation id, in sessionStorage.

import { STORAGE_KEY, TEXT } from "./text.js";

const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
const REPLY_TIMEOUT_MS = 30000;

// `state` is the widget's shared state (widget.js): the conversation id, the request
// being waited for, and the server's refusal for a site not in its partner list.
export function createTransport(server, state) {
  // The conversation id goes in the address too, so that a load balancer in front of
  // several servers can keep each conversation on one of them (docs/deploy.md).
  function address(path, id) {
    return `${server}/webhooks/widget/${path}?conversation=${encodeURIComponent(id)}`;
  }

  // The id is made only when the first message is sent, so merely loading a page
  // with the widget leaves nothing in storage.
  function conversationId() {
    if (!state.conversationId) {
      state.conversationId = newConversationId();
      storeId(state.conversationId);
    }
    return state.conversationId;
  }

  async function postMessage(body) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = window.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, REPLY_TIMEOUT_MS);
    state.request = controller;
    try {
      const response = await fetch(address("message", body.conversation_id), requestOptions(body, controller.signal));
      const data = await response.json().catch(() => null);
      if (!response.ok) throw chatError(serverMessage(data) || TEXT.errors[response.status] || TEXT.errors.unexpected);
      if (!data || !Array.isArray(data.messages)) throw chatError(TEXT.errors.unexpected);
      return data;
    } catch (error) {
      if (error.userMessage) throw error;
      if (!timedOut) await state.partnerLoaded;
      throw chatError(timedOut ? TEXT.errors.timeout : state.refusal || TEXT.errors.network);
    } finally {
      window.clearTimeout(timer);
      if (state.request === controller) state.request = null;
    }
  }

  // keepalive lets the request finish even though the page is being left.
  function forget(id, reason) {
    const options = requestOptions({ conversation_id: id, reason }, undefined, { keepalive: true });
    try {
      fetch(address("forget", id), options).catch(() => {});
    } catch (error) {
      // Nothing more to do: the server also deletes idle conversations itself.
    }
  }

  // The partner registered for this page's origin: { display_name, colour, id }, or
  // null. For a refused site, the server's own words are kept in state.refusal (its
  // preflights are refused, so a refused message could not be read).
  async function loadPartner() {
    try {
      const response = await fetch(`${server}/webhooks/widget/partner`, {
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
      if (!response.ok) {
        if (response.status === 403) state.refusal = serverMessage(await response.json().catch(() => null));
        return null;
      }
      return await response.json();
    } catch (error) {
      return null; // optional: the data attributes and defaults already apply
    }
  }

  return { conversationId, postMessage, forget, loadPartner };
}

function newConversationId() {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

// No credentials, no referrer, no cache: the server needs only the message.
function requestOptions(body, signal, extra = {}) {
  return Object.assign(
    {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal,
    },
    extra
  );
}

function serverMessage(data) {
  const message = data && data.error && data.error.message;
  return typeof message === "string" && message.trim() ? message.trim() : null;
}

function chatError(userMessage) {
  const error = new Error(userMessage);
  error.userMessage = userMessage;
  return error;
}

// Only ever the random id, in sessionStorage (gone when the tab closes). Access
// can throw (storage disabled, sandboxed frames), which must not break the chat.
export function readStoredId() {
  try {
    const id = window.sessionStorage.getItem(STORAGE_KEY);
    return id && CONVERSATION_ID.test(id) ? id : null;
  } catch (error) {
    return null;
  }
}

function storeId(id) {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, id);
  } catch (error) {
    // The conversation still works for this page.
  }
}

export function removeStoredId() {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (error) {
    // nothing stored, nothing to remove
  }
}
