// The chat panel: the launcher, the panel with its header, messages and message box,
// one turn of conversation at a time, and clearing it.

import { chatIcon, createHost, el, hiddenText } from "./dom.js";
import { removeStoredId, readStoredId } from "./transport.js";
import { LANGUAGES, TEXT } from "./text.js";
import { renderBotMessage } from "./messages.js";

const GREETING = "hello";

// config: from the embedding script (widget.js). state: shared with the transport.
// exitButton: the quick exit's button, shown above the launcher.
// onLanguage(code): the conversation's language changed (the quick exit relabels itself).
export function createPanel({ config, state, transport, exitButton, onLanguage = () => {} }) {
  const ui = {};

  function addWidget(colour) {
    const host = createHost("wp-chat-widget", colour, config.stylesheet, (root) => {
      ui.root = el("div", { class: `wp-root wp-root--${config.position}` }, [exitButton, buildLauncher(), buildPanel()]);
      root.append(ui.root);
      ui.shadow = root;
      if (config.startOpen) openPanel({ moveFocus: false });
    });
    document.body.append(host);
    ui.host = host;
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
    return el("div", { class: "wp-footer" }, [ui.error, ui.form, buildLanguageChooser(), ui.announce]);
  }

  // Any of the languages the assistant answers in; the choice holds for the conversation
  // (it is sent with every message) and is kept nowhere on the device.
  function buildLanguageChooser() {
    const options = Object.entries(LANGUAGES).map(([code, language]) =>
      el("option", { value: code, lang: code, text: language.name }),
    );
    ui.language = el("select", { id: "wp-language", class: "wp-language__select", onchange: onLanguageChosen }, options);
    return el("div", { class: "wp-language" }, [
      el("label", { for: "wp-language", class: "wp-language__label", text: TEXT.language }),
      ui.language,
    ]);
  }

  function onLanguageChosen() {
    const code = ui.language.value;
    state.language = code;
    showLanguage(code);
    // The menu, in the language chosen, says at once what the assistant can do in it.
    converse({ text: "menu" }, LANGUAGES[code].name);
  }

  // The words of the panel itself in the conversation's language, where translated.
  function showLanguage(code) {
    const language = LANGUAGES[code] || LANGUAGES.en;
    ui.input.placeholder = language.placeholder || TEXT.placeholder;
    ui.input.setAttribute("lang", code);
    ui.input.setAttribute("dir", "auto");
    ui.send.textContent = language.send || TEXT.send;
    onLanguage(code);
  }

  // ---------------------------------------------------------------- open and close

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

  // ---------------------------------------------------------------- messages

  function appendUserMessage(text) {
    const node = el("div", { class: "wp-msg wp-msg--user" }, [
      hiddenText(TEXT.youSaid),
      // In whatever language it was typed: the browser finds its direction from the text.
      el("p", { class: "wp-msg__text", text, dir: "auto", lang: state.language || undefined }),
    ]);
    ui.log.append(node);
    return node;
  }

  function appendSystemMessage(text) {
    const node = el("div", { class: "wp-msg wp-msg--system" }, [el("p", { class: "wp-msg__text", text })]);
    ui.log.append(node);
    return node;
  }

  // Old choices would send answers to questions no longer being asked.
  function removeOldChoices() {
    for (const group of ui.log.querySelectorAll(".wp-choices")) group.remove();
  }

  // Show the start of this turn if the reply is long; otherwise the end. Scroll
  // whichever box actually scrolls (the panel itself on a short screen).
  function scrollToTurn(node) {
    if (!node) return;
    for (const box of [ui.scroller, ui.panel]) {
      if (box.scrollHeight > box.clientHeight + 1) {
        const offset = node.getBoundingClientRect().top - box.getBoundingClientRect().top;
        box.scrollTop += offset - 8;
      }
    }
  }

  // ---------------------------------------------------------------- sending

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
      const body = Object.assign({ conversation_id: transport.conversationId() }, payload);
      if (state.language) body.language = state.language;
      const reply = await transport.postMessage(body);
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
      const node = message && typeof message === "object" ? renderBotMessage(message, choose) : null;
      if (node) ui.log.append(node);
    }
    // Written to in another language, the assistant answers in it: so does the panel.
    const answeredIn = messages.map((message) => message && message.lang).find((lang) => lang && lang !== "en");
    if (!state.language && answeredIn && LANGUAGES[answeredIn]) showLanguage(answeredIn);
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

  // ---------------------------------------------------------------- clearing

  // Drops everything this page holds about the conversation, and asks the server
  // to forget it.
  // reason: "clear" or "quick_exit", counted (never with the id) for the oversight figures.
  function forgetConversation(reason = "clear") {
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
    if (id) transport.forget(id, reason);
  }

  function onClearPressed() {
    forgetConversation("clear");
    announce(TEXT.cleared);
    ui.input.focus();
    beginConversation();
  }

  function setDisplayName(name) {
    state.displayName = name;
    if (ui.title) ui.title.textContent = TEXT.title(name);
    if (ui.launcherDetail) ui.launcherDetail.textContent = TEXT.launcherDetail(name);
  }

  return {
    addWidget,
    setDisplayName,
    forgetConversation,
    hide: () => closePanel({ moveFocus: false }),
    shadowRoot: () => ui.shadow || ui.host.shadowRoot,
  };
}

function setChoicesDisabled(group, disabled) {
  for (const button of group.querySelectorAll("button")) {
    if (disabled) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  }
}
