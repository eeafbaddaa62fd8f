/*
 * Chat widget for the Warwickshire Police assistant for women and girls.
 *
 * Embedded with one script tag; everything it needs comes from the server the
 * script itself was loaded from. People using it may be in danger, on a shared or
 * watched device, so it:
 *   - keeps nothing about the conversation on the device (at most a random
 *     conversation id in sessionStorage, removed on exit and on clear);
 *   - offers a quick exit three ways, after the GOV.UK "Exit this page" component;
 *   - never turns text into HTML: every node is built with createElement and
 *     textContent, so nothing a person or the bot writes can run as code;
 *   - makes no request to anyone but its own server.
 *
 * Embedding (the server is worked out from this script's own address):
 *   <script src="https://SERVER/webhooks/widget/static/widget.js" defer
 *     data-partner="warwickshire-police"   which site this is (the server's list decides)
 *     data-position="right"                 "left" or "right" (default right)
 *     data-start-open="false"               "true" opens the panel on load
 *     data-colour="#1d4f91"                 #rgb or #rrggbb; anything else is ignored
 *     data-exit-url="https://www.bbc.co.uk/weather"></script>   where quick exit goes
 * The display name and colour registered for the page's origin (GET /partner)
 * take precedence once they arrive.
 *
 * Plain ES2020, no dependencies, no build step. Works under a strict
 * Content-Security-Policy: no inline script or style, and the stylesheet is
 * linked inside a Shadow DOM so the host page's styles and ours do not mix.
 */
(() => {
  "use strict";

  const STATIC_PATH = "/webhooks/widget/static/";
  const STORAGE_KEY = "wp-chat-id";
  const CONVERSATION_ID = /^[A-Za-z0-9_-]{8,64}$/;
  const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;
  const DEFAULT_COLOUR = "#1d4f91";
  const DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather";
  const SHIFT_WINDOW_MS = 5000;
  const REPLY_TIMEOUT_MS = 30000;
  const GREETING = "hello";

  // Every word the widget shows, in one place, so comms staff can review them.
  const TEXT = {
    defaultName: "Warwickshire Police",
    title: (name) => `${name} chat`,
    launcher: "Chat",
    launcherDetail: (name) => ` with the ${name} assistant`,
    subtitle: "Automated assistant. Not monitored by staff.",
    emergency: "In danger now? Call 999. If you cannot speak, call 999 from a mobile, stay on the line and press 55 when asked.",
    close: "Close",
    closeDetail: " chat",
    clear: "Clear conversation",
    cleared: "Conversation cleared. You can start again.",
    safetyTitle: "Staying safe online",
    safety: [
      "Exit this page leaves quickly, but your browser history will still show this website.",
      "If someone might check this device, use a private window, or a device they cannot get to.",
      "Deleting your history can itself make someone suspicious, so think about whether that is safe for you.",
      "This chat keeps nothing on your device. Clear conversation deletes it from our system too.",
    ],
    logLabel: "Conversation",
    scrollLabel: "Chat messages",
    botSays: "Assistant: ",
    youSaid: "You: ",
    choices: "Choose a reply",
    inputLabel: "Your message",
    placeholder: "Type your message",
    send: "Send",
    replying: "The assistant is replying",
    waitForReply: "Please wait for the assistant to reply.",
    continuing:
      "You are carrying on a conversation from earlier in this tab. Earlier messages are not shown, so that they are not kept on this device. To start again, choose Clear conversation.",
    newTab: " (opens in a new tab)",
    exit: "Exit this page",
    exitLoading: "Loading.",
    shiftTwoMore: "Shift, press 2 more times to exit.",
    shiftOneMore: "Shift, press 1 more time to exit.",
    shiftExpired: "Exit this page expired.",
    errors: {
      network:
        "Sorry, we cannot reach the assistant just now. Anything you typed is still in the box, so you can try again in a moment. If you are in danger now, call 999.",
      timeout:
        "Sorry, the assistant is taking too long to reply. Anything you typed is still in the box, so you can try again. If you are in danger now, call 999.",
      unexpected:
        "Sorry, something went wrong. Please try again. If you are in danger now, call 999.",
      413: "That message is too long. Please make it shorter and try again.",
      429: "You are sending messages faster than the assistant can reply. Please wait a moment and try again.",
    },
  };

  const script = document.currentScript || findOwnScript();
  // A second copy of the script on the same page must not add a second widget.
  if (!script || document.querySelector("wp-chat-widget")) return;

  const config = readConfig(script);
  const state = {
    conversationId: readStoredId(),
    continuing: false, // carrying on a conversation started on an earlier page
    started: false, // the panel has been opened on this page
    busy: false,
    request: null, // AbortController of the reply being waited for
    generation: 0, // bumped on clear and exit, so late replies are dropped
    exiting: false,
    displayName: TEXT.defaultName,
    // For a site not in the partner list: the server's own words, read from /partner
    // (its preflights are refused, so a refused message could not be read).
    refusal: null,
    partnerLoaded: null,
  };
  state.continuing = Boolean(state.conversationId);

  const shift = { count: 0, alone: false, timer: null, messageTimer: null };
  const ui = {};

  // With defer (as documented) the body exists; without it, wait for it.
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });

  // ---------------------------------------------------------------- set-up

  function start() {
    const colour = config.colour || DEFAULT_COLOUR;
    buildSkipLink(colour);
    buildWidget(colour);
    listenForShift();
    window.addEventListener("pageshow", restoreAfterBack);
    state.partnerLoaded = loadPartner();
  }

  function findOwnScript() {
    const scripts = document.querySelectorAll(`script[src*="${STATIC_PATH}widget.js"]`);
    return scripts[scripts.length - 1] || null;
  }

  function readConfig(element) {
    const src = new URL(element.src, document.baseURI);
    const at = src.pathname.lastIndexOf(STATIC_PATH);
    const data = element.dataset;
    return {
      // Everything is served under /webhooks/widget/, so the server is whatever
      // comes before it: this keeps a reverse-proxy path prefix working.
      server: src.origin + (at >= 0 ? src.pathname.slice(0, at) : ""),
      stylesheet: new URL("widget.css", src).href,
      partner: data.partner || "",
      position: data.position === "left" ? "left" : "right",
      startOpen: data.startOpen === "true",
      colour: normaliseColour(data.colour),
      exitUrl: safeExitUrl(data.exitUrl),
    };
  }

  function normaliseColour(value) {
    if (typeof value !== "string" || !HEX_COLOUR.test(value.trim())) return null;
    const hex = value.trim().slice(1).toLowerCase();
    return "#" + (hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex);
  }

  // Only a web address may be an exit: never javascript: or data:.
  function safeExitUrl(value) {
    try {
      const url = new URL(value || DEFAULT_EXIT_URL, document.baseURI);
      if (url.protocol === "https:" || url.protocol === "http:") return url.href;
    } catch (error) {
      // fall through to the default
    }
    return DEFAULT_EXIT_URL;
  }

  // A host element with its own shadow root, so page styles cannot reach in.
  function createHost(tagName, colour, onStyled) {
    const host = document.createElement(tagName);
    const root = host.attachShadow({ mode: "open" });
    applyTheme(host, root, colour);
    const link = el("link", { rel: "stylesheet", href: config.stylesheet });
    // Content is added once the stylesheet has loaded, so the page never flashes
    // unstyled controls; if it fails to load, show them anyway: working beats pretty.
    link.addEventListener("load", () => onStyled(root), { once: true });
    link.addEventListener("error", () => onStyled(root), { once: true });
    root.append(link);
    return host;
  }

  // The partner colour goes into a constructed stylesheet as custom properties,
  // never into a style attribute, which a strict CSP would block.
  function applyTheme(host, root, colour) {
    const onBrand = readableTextOn(colour);
    const accent = contrast(colour, "#ffffff") >= 4.5 ? colour : "#0b0c0c";
    const rules = `:host{--wp-brand:${colour};--wp-on-brand:${onBrand};--wp-accent:${accent};}`;
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(rules);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (error) {
        // older browsers: fall back to the CSSOM below
      }
    }
    host.style.setProperty("--wp-brand", colour);
    host.style.setProperty("--wp-on-brand", onBrand);
    host.style.setProperty("--wp-accent", accent);
  }

  // ------------------------------------------------------ colour contrast

  function luminance(hex) {
    const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  }

  // Whichever of white or near-black reads better on the partner colour; one of
  // them always reaches 4.5:1.
  function readableTextOn(colour) {
    return contrast(colour, "#ffffff") >= contrast(colour, "#0b0c0c") ? "#ffffff" : "#0b0c0c";
  }

  // ------------------------------------------------------------ DOM helper

  // Builds an element from plain properties. Text only ever goes in through
  // textContent or text nodes; there is deliberately no way to pass HTML.
  function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === false || value === null || value === undefined) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    node.append(...children);
    return node;
  }

  function hiddenText(text) {
    return el("span", { class: "wp-vh", text });
  }

  function chatIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "wp-icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-4.5 3.6A.5.5 0 0 1 3.7 20V17H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z");
    svg.append(path);
    return svg;
  }

  // ------------------------------------------------------ quick exit: UI

  // The skip link sits first in the page so that it is the first thing a
  // keyboard or screen reader user reaches, as GOV.UK recommends.
  function buildSkipLink(colour) {
    const host = createHost("wp-chat-exit-link", colour, (root) => {
      root.append(el("button", { type: "button", class: "wp-skip", text: TEXT.exit, onclick: exitPage }));
    });
    document.body.prepend(host);
  }

  function buildExitButton() {
    ui.lights = [0, 1, 2].map(() => el("span", { class: "wp-exit__light" }));
    ui.indicator = el("span", { class: "wp-exit__indicator", "aria-hidden": "true" }, ui.lights);
    ui.shiftStatus = el("span", { class: "wp-vh", role: "status" });
    return el("div", { class: "wp-exit" }, [
      el("button", { type: "button", class: "wp-exit__button", onclick: exitPage }, [
        el("span", { class: "wp-exit__label", text: TEXT.exit }),
        ui.indicator,
      ]),
      ui.shiftStatus,
    ]);
  }

  // --------------------------------------------------------- panel: build

  function buildWidget(colour) {
    const host = createHost("wp-chat-widget", colour, (root) => {
      ui.root = el("div", { class: `wp-root wp-root--${config.position}` }, [
        buildExitButton(),
        buildLauncher(),
        buildPanel(),
      ]);
      root.append(ui.root);
      ui.shadow = root;
      if (config.startOpen) openPanel({ moveFocus: false });
    });
    document.body.append(host);
  }

  function buildLauncher() {
    ui.launcherDetail = hiddenText(TEXT.launcherDetail(state.displayName));
    ui.launcher = el(
      "button",
      {
        type: "button",
        class: "wp-launcher",
        "aria-expanded": "false",
        "aria-controls": "wp-panel",
        onclick: () => openPanel({ moveFocus: true }),
      },
      [chatIcon(), el("span", { text: TEXT.launcher }), ui.launcherDetail]
    );
    return ui.launcher;
  }

  function buildPanel() {
    ui.panel = el(
      "section",
      {
        id: "wp-panel",
        class: "wp-panel",
        role: "dialog",
        "aria-modal": "false",
        "aria-labelledby": "wp-title",
        "aria-describedby": "wp-subtitle",
        hidden: true,
        onkeydown: onPanelKeydown,
      },
      [buildHeader(), buildBody(), buildFooter()]
    );
    return ui.panel;
  }

  function buildHeader() {
    ui.title = el("h2", { id: "wp-title", class: "wp-title", text: TEXT.title(state.displayName) });
    return el("header", { class: "wp-header" }, [
      el("div", { class: "wp-header__text" }, [
        ui.title,
        el("p", { id: "wp-subtitle", class: "wp-subtitle", text: TEXT.subtitle }),
      ]),
      el("div", { class: "wp-header__actions" }, [
        el("button", { type: "button", class: "wp-action", onclick: onClearPressed }, [TEXT.clear]),
        el("button", { type: "button", class: "wp-action", onclick: () => closePanel({ moveFocus: true }) }, [
          TEXT.close,
          hiddenText(TEXT.closeDetail),
        ]),
      ]),
    ]);
  }

  function buildBody() {
    ui.log = el("div", {
      class: "wp-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": TEXT.logLabel,
    });
    ui.typing = el("p", { class: "wp-typing", hidden: true }, [
      el("span", { class: "wp-typing__dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
      el("span", { text: TEXT.replying }),
    ]);
    // The scroll area is focusable so keyboard users can scroll back through it.
    ui.scroller = el("div", { class: "wp-scroll", tabindex: "0", role: "group", "aria-label": TEXT.scrollLabel }, [
      el("p", { class: "wp-emergency", text: TEXT.emergency }),
      buildSafetyNote(),
      ui.log,
      ui.typing,
    ]);
    return ui.scroller;
  }

  function buildSafetyNote() {
    return el("details", { class: "wp-safety", open: true }, [
      el("summary", { text: TEXT.safetyTitle }),
      ...TEXT.safety.map((text) => el("p", { text })),
    ]);
  }

  function buildFooter() {
    ui.error = el("p", { class: "wp-error", role: "alert" });
    ui.announce = el("p", { class: "wp-vh", role: "status" });
    // No name attribute and autocomplete off: the browser must not remember what
    // was typed in its form history.
    ui.input = el("textarea", {
      id: "wp-input",
      class: "wp-input",
      rows: "2",
      autocomplete: "off",
      placeholder: TEXT.placeholder,
      onkeydown: onInputKeydown,
    });
    ui.send = el("button", { type: "submit", class: "wp-send", text: TEXT.send });
    ui.form = el("form", { class: "wp-form", novalidate: true, onsubmit: onSubmit }, [
      el("label", { for: "wp-input", class: "wp-vh", text: TEXT.inputLabel }),
      ui.input,
      ui.send,
    ]);
    return el("div", { class: "wp-footer" }, [ui.error, ui.form, ui.announce]);
  }

  // ------------------------------------------------------- panel: open/close

  function openPanel({ moveFocus }) {
    if (!ui.panel || !ui.panel.hidden) return;
    ui.panel.hidden = false;
    ui.launcher.setAttribute("aria-expanded", "true");
    ui.root.classList.add("wp-root--open");
    if (moveFocus) ui.input.focus();
    if (!state.started) beginConversation();
  }

  function closePanel({ moveFocus }) {
    if (!ui.panel || ui.panel.hidden) return;
    ui.panel.hidden = true;
    ui.launcher.setAttribute("aria-expanded", "false");
    ui.root.classList.remove("wp-root--open");
    if (moveFocus) ui.launcher.focus();
  }

  function onPanelKeydown(event) {
    if (event.key === "Escape" && !event.isComposing) {
      event.preventDefault();
      closePanel({ moveFocus: true });
    }
  }

  // First open on this page: greet a new conversation so the assistant shows its
  // first-time notice; for one carried over from an earlier page, do not send a
  // greeting into the middle of it, and say why the earlier messages are missing.
  function beginConversation() {
    state.started = true;
    if (state.continuing) {
      appendSystemMessage(TEXT.continuing);
    } else {
      // If the greeting fails, the next open tries again.
      converse({ text: GREETING }, null).then((ok) => {
        if (!ok) state.started = false;
      });
    }
  }

  // ------------------------------------------------------------ messages

  function appendUserMessage(text) {
    const node = el("div", { class: "wp-msg wp-msg--user" }, [
      hiddenText(TEXT.youSaid),
      el("p", { class: "wp-msg__text", text }),
    ]);
    ui.log.append(node);
    return node;
  }

  function appendSystemMessage(text) {
    const node = el("div", { class: "wp-msg wp-msg--system" }, [el("p", { class: "wp-msg__text", text })]);
    ui.log.append(node);
    return node;
  }

  function renderBotMessage(message) {
    const text = typeof message.text === "string" ? message.text : "";
    const buttons = Array.isArray(message.buttons) ? message.buttons.filter(isUsableButton) : [];
    if (!text && buttons.length === 0) return null;
    const node = el("div", { class: "wp-msg wp-msg--bot" }, [hiddenText(TEXT.botSays)]);
    if (text) {
      const paragraph = el("p", { class: "wp-msg__text" });
      appendWithLinks(paragraph, text);
      node.append(paragraph);
    }
    if (buttons.length) node.append(renderChoices(buttons));
    return node;
  }

  function isUsableButton(button) {
    return button && typeof button.title === "string" && button.title && typeof button.payload === "string";
  }

  function renderChoices(buttons) {
    const group = el("div", { class: "wp-choices", role: "group", "aria-label": TEXT.choices });
    for (const button of buttons) {
      const onclick = (event) => choose(button, group, event.currentTarget);
      group.append(el("button", { type: "button", class: "wp-choice", text: button.title, onclick }));
    }
    return group;
  }

  // Old choices would send answers to questions no longer being asked.
  function removeOldChoices() {
    for (const group of ui.log.querySelectorAll(".wp-choices")) group.remove();
  }

  // https:// addresses become links; everything else stays a text node.
  const URL_PATTERN = /https:\/\/[^\s<>"'`]+/g;

  function appendWithLinks(parent, text) {
    let position = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const address = trimTrailingPunctuation(match[0]);
      parent.append(document.createTextNode(text.slice(position, match.index)));
      parent.append(makeLink(address));
      position = match.index + address.length;
    }
    parent.append(document.createTextNode(text.slice(position)));
  }

  // A full stop or closing bracket after an address belongs to the sentence.
  function trimTrailingPunctuation(address) {
    let result = address;
    for (;;) {
      const last = result.slice(-1);
      const unbalanced = last === ")" && count(result, "(") < count(result, ")");
      if (!(".,;:!?'\"]".includes(last) || unbalanced) || result.length <= 8) return result;
      result = result.slice(0, -1);
    }
  }

  function count(text, char) {
    return text.split(char).length - 1;
  }

  function makeLink(address) {
    let href;
    try {
      href = new URL(address);
    } catch (error) {
      return document.createTextNode(address);
    }
    if (href.protocol !== "https:") return document.createTextNode(address);
    return el("a", { class: "wp-link", href: href.href, target: "_blank", rel: "noopener noreferrer" }, [
      address,
      hiddenText(TEXT.newTab),
    ]);
  }

  // Show the start of this turn if the reply is long; otherwise the end. Scroll
  // whichever box actually scrolls (the panel itself in the small-screen layout).
  function scrollToTurn(node) {
    if (!node) return;
    for (const box of [ui.scroller, ui.panel]) {
      if (box.scrollHeight > box.clientHeight + 1) {
        const offset = node.getBoundingClientRect().top - box.getBoundingClientRect().top;
        box.scrollTop += offset - 8;
      }
    }
  }

  // ------------------------------------------------------------ sending

  function onInputKeydown(event) {
    // Enter sends; Shift+Enter makes a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (ui.form.requestSubmit) ui.form.requestSubmit();
      else onSubmit(event);
    }
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = ui.input.value.trim();
    if (!text) return;
    if (state.busy) {
      announce(TEXT.waitForReply);
      return;
    }
    ui.input.value = "";
    // If it fails, put the words back so nothing typed is lost.
    converse({ text }, text, () => restoreInput(text));
  }

  function restoreInput(text) {
    const typedSince = ui.input.value.trim();
    ui.input.value = typedSince ? `${text}\n${typedSince}` : text;
  }

  async function choose(button, group, pressed) {
    if (state.busy || pressed.getAttribute("aria-disabled") === "true") return;
    // aria-disabled rather than disabled, so focus is not lost while waiting.
    setChoicesDisabled(group, true);
    const ok = await converse({ button: { payload: button.payload, signature: button.signature } }, button.title);
    if (ok) {
      ui.input.focus();
    } else if (group.isConnected) {
      setChoicesDisabled(group, false);
      pressed.focus();
    }
  }

  function setChoicesDisabled(group, disabled) {
    for (const button of group.querySelectorAll("button")) {
      if (disabled) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }
  }

  // One turn: show what the person said, wait for the reply, show it. Returns
  // whether it worked; on failure the person's message is taken back out of the
  // log and `onFailure` restores it where they can send it again.
  async function converse(payload, shownText, onFailure) {
    if (state.busy) return false;
    const generation = state.generation;
    clearError();
    const turnStart = shownText ? appendUserMessage(shownText) : null;
    if (turnStart) scrollToTurn(turnStart);
    setBusy(true);
    try {
      const body = Object.assign({ conversation_id: conversationId() }, payload);
      const reply = await postMessage(body);
      if (generation !== state.generation) return false;
      state.continuing = false;
      showReply(reply.messages, turnStart);
      return true;
    } catch (error) {
      if (generation !== state.generation) return false; // cleared or exited meanwhile
      if (turnStart) turnStart.remove();
      showError(error.userMessage || TEXT.errors.unexpected);
      if (onFailure) onFailure();
      return false;
    } finally {
      if (generation === state.generation) setBusy(false);
    }
  }

  function showReply(messages, turnStart) {
    removeOldChoices();
    for (const message of messages) {
      const node = message && typeof message === "object" ? renderBotMessage(message) : null;
      if (node) ui.log.append(node);
    }
    // The greeting has no turn start: leave the emergency line and safety note in view.
    if (turnStart) scrollToTurn(turnStart);
  }

  function setBusy(busy) {
    state.busy = busy;
    ui.log.setAttribute("aria-busy", String(busy));
    ui.typing.hidden = !busy;
    if (busy) ui.send.setAttribute("aria-disabled", "true");
    else ui.send.removeAttribute("aria-disabled");
  }

  function showError(message) {
    ui.error.textContent = message;
  }

  function clearError() {
    ui.error.textContent = "";
  }

  function announce(message) {
    // Cleared first so that the same words twice are announced twice.
    ui.announce.textContent = "";
    window.setTimeout(() => {
      ui.announce.textContent = message;
    }, 50);
  }

  // ------------------------------------------------------------- network

  // The id is made only when the first message is sent, so merely loading a page
  // with the widget leaves nothing in storage.
  function conversationId() {
    if (!state.conversationId) {
      state.conversationId = newConversationId();
      storeId(state.conversationId);
    }
    return state.conversationId;
  }

  function newConversationId() {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
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
      const response = await fetch(`${config.server}/webhooks/widget/message`, requestOptions(body, controller.signal));
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

  // keepalive lets the request finish even though the page is being left.
  function forget(id) {
    const options = requestOptions({ conversation_id: id }, undefined, { keepalive: true });
    try {
      fetch(`${config.server}/webhooks/widget/forget`, options).catch(() => {});
    } catch (error) {
      // Nothing more to do: the server also deletes idle conversations itself.
    }
  }

  // The display name and colour registered on the server for this site win over
  // the data attributes, which are only the fallback until (or unless) it answers.
  async function loadPartner() {
    try {
      const response = await fetch(`${config.server}/webhooks/widget/partner`, {
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
      if (!response.ok) {
        if (response.status === 403) state.refusal = serverMessage(await response.json().catch(() => null));
        return;
      }
      const partner = await response.json();
      if (partner && typeof partner.display_name === "string" && partner.display_name.trim()) {
        setDisplayName(partner.display_name.trim().slice(0, 80));
      }
      const colour = normaliseColour(partner && partner.colour);
      if (colour && colour !== config.colour) retheme(colour);
      if (config.partner && partner && partner.id && partner.id !== config.partner) {
        console.warn(`Chat widget: data-partner "${config.partner}" differs from "${partner.id}", registered for this site.`);
      }
    } catch (error) {
      // Optional: the data attributes and defaults already apply.
    }
  }

  function setDisplayName(name) {
    state.displayName = name;
    if (ui.title) ui.title.textContent = TEXT.title(name);
    if (ui.launcherDetail) ui.launcherDetail.textContent = TEXT.launcherDetail(name);
  }

  function retheme(colour) {
    for (const host of document.querySelectorAll("wp-chat-widget, wp-chat-exit-link")) {
      if (host.shadowRoot) applyTheme(host, host.shadowRoot, colour);
    }
  }

  // ------------------------------------------------------------- storage

  // Only ever the random id, in sessionStorage (gone when the tab closes). Access
  // can throw (storage disabled, sandboxed frames), which must not break the chat.
  function readStoredId() {
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

  function removeStoredId() {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (error) {
      // nothing stored, nothing to remove
    }
  }

  // --------------------------------------------------------------- clear

  // Drops everything this page holds about the conversation, and returns the id
  // so the caller can ask the server to forget it.
  function dropConversation() {
    const id = state.conversationId || readStoredId();
    state.generation += 1;
    if (state.request) state.request.abort();
    state.request = null;
    state.conversationId = null;
    state.continuing = false;
    state.started = false;
    removeStoredId();
    if (ui.log) {
      ui.log.replaceChildren();
      ui.scroller.scrollTop = 0;
      ui.panel.scrollTop = 0;
      ui.input.value = "";
      clearError();
      setBusy(false);
    }
    return id;
  }

  function onClearPressed() {
    const id = dropConversation();
    if (id) forget(id);
    announce(TEXT.cleared);
    ui.input.focus();
    beginConversation();
  }

  // ----------------------------------------------------- quick exit: action

  function exitPage(event) {
    if (event) event.preventDefault();
    if (state.exiting) return;
    state.exiting = true;
    coverPage();
    const id = dropConversation();
    if (id) forget(id);
    // replace, not assign: this page is taken out of the tab's Back history.
    window.location.replace(config.exitUrl);
  }

  // A modal <dialog> sits in the top layer above anything the host page has, and
  // makes the rest of the page inert for screen readers and keyboards too.
  function coverPage() {
    if (ui.panel) closePanel({ moveFocus: false });
    resetShiftCount({ silent: true });
    const message = el("p", { class: "wp-overlay__text", role: "alert" });
    ui.overlay = el("dialog", { class: "wp-overlay", "aria-label": TEXT.exitLoading }, [message]);
    ui.overlay.addEventListener("cancel", (event) => event.preventDefault());
    const parent = ui.shadow || document.querySelector("wp-chat-widget").shadowRoot;
    parent.append(ui.overlay);
    try {
      ui.overlay.showModal();
    } catch (error) {
      ui.overlay.classList.add("wp-overlay--fallback");
      ui.overlay.setAttribute("open", "");
    }
    // Text set after the element is in place is announced more reliably.
    message.textContent = TEXT.exitLoading;
  }

  // Coming back with Back can restore this page from the back/forward cache with
  // the overlay still on it; take it away so the page is usable.
  function restoreAfterBack() {
    if (ui.overlay) {
      if (ui.overlay.open && typeof ui.overlay.close === "function") ui.overlay.close();
      ui.overlay.remove();
      ui.overlay = null;
    }
    state.exiting = false;
    resetShiftCount({ silent: true });
  }

  // --------------------------------------------- quick exit: Shift three times

  function listenForShift() {
    document.addEventListener("keydown", onShiftKeydown, true);
    document.addEventListener("keyup", onShiftKeyup, true);
    // Shift-click (selecting text) uses Shift as a modifier too.
    document.addEventListener("pointerdown", (event) => {
      if (event.shiftKey) shift.alone = false;
    }, true);
  }

  function onShiftKeydown(event) {
    if (event.key === "Shift") {
      if (!event.repeat) shift.alone = !(event.ctrlKey || event.altKey || event.metaKey);
      return;
    }
    // Any other key: a Shift held now is a modifier (capital letters, Shift+Tab),
    // and a sequence in progress is broken, as in the GOV.UK component.
    shift.alone = false;
    if (shift.count > 0) resetShiftCount({ silent: false });
  }

  function onShiftKeyup(event) {
    if (event.key !== "Shift" || !shift.alone) return;
    shift.alone = false;
    countShiftPress();
  }

  function countShiftPress() {
    shift.count += 1;
    window.clearTimeout(shift.messageTimer);
    if (shift.count === 1) {
      // The window runs from the first press: three presses within 5 seconds.
      shift.timer = window.setTimeout(() => resetShiftCount({ silent: false }), SHIFT_WINDOW_MS);
    }
    updateIndicator();
    if (shift.count >= 3) {
      exitPage();
      return;
    }
    setShiftStatus(shift.count === 1 ? TEXT.shiftTwoMore : TEXT.shiftOneMore);
  }

  function resetShiftCount({ silent }) {
    const wasCounting = shift.count > 0;
    window.clearTimeout(shift.timer);
    window.clearTimeout(shift.messageTimer);
    shift.count = 0;
    updateIndicator();
    if (!silent && wasCounting) {
      setShiftStatus(TEXT.shiftExpired);
      shift.messageTimer = window.setTimeout(() => setShiftStatus(""), SHIFT_WINDOW_MS);
    } else {
      setShiftStatus("");
    }
  }

  function updateIndicator() {
    if (!ui.indicator) return;
    ui.indicator.classList.toggle("wp-exit__indicator--visible", shift.count > 0);
    ui.lights.forEach((light, index) => light.classList.toggle("wp-exit__light--on", index < shift.count));
  }

  function setShiftStatus(message) {
    if (ui.shiftStatus) ui.shiftStatus.textContent = message;
  }
})();
