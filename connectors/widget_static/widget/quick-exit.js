// Quick exit, after the GOV.UK Design System's "Exit this page" component: a skip
// link first in the page, a button always in view, and Shift pressed three times
// within five seconds. Each covers the page at once, forgets the conversation and
// replaces this page in the tab's history with a neutral one.

import { createHost, el } from "./dom.js";
import { LANGUAGES, TEXT } from "./text.js";

const SHIFT_WINDOW_MS = 5000;

// exitUrl: where to go. hidePanel(): close the chat before covering the page.
// forgetConversation(): drop what this page holds and ask the server to forget it.
// overlayParent(): the shadow root the covering dialog goes into.
export function createQuickExit({ exitUrl, hidePanel, forgetConversation, overlayParent }) {
  const shift = { count: 0, alone: false, timer: null, messageTimer: null };
  const parts = {};
  let exiting = false;

  // The skip link sits first in the page so that it is the first thing a
  // keyboard or screen reader user reaches, as GOV.UK recommends.
  function addSkipLink(colour, stylesheet) {
    const host = createHost("wp-chat-exit-link", colour, stylesheet, (root) => {
      root.append(el("button", { type: "button", class: "wp-skip", text: TEXT.exit, onclick: exitPage }));
    });
    document.body.prepend(host);
  }

  function button() {
    parts.lights = [0, 1, 2].map(() => el("span", { class: "wp-exit__light" }));
    parts.indicator = el("span", { class: "wp-exit__indicator", "aria-hidden": "true" }, parts.lights);
    parts.shiftStatus = el("span", { class: "wp-vh", role: "status" });
    return el("div", { class: "wp-exit" }, [
      el("button", { type: "button", class: "wp-exit__button", onclick: exitPage }, [
        el("span", { class: "wp-exit__label", text: TEXT.exit }),
        (parts.translated = el("span", { class: "wp-exit__translated", hidden: true })),
        parts.indicator,
      ]),
      parts.shiftStatus,
    ]);
  }

  function exitPage(event) {
    if (event) event.preventDefault();
    if (exiting) return;
    exiting = true;
    coverPage();
    forgetConversation();
    // replace, not assign: this page is taken out of the tab's Back history.
    window.location.replace(exitUrl);
  }

  // A modal <dialog> sits in the top layer above anything the host page has, and
  // makes the rest of the page inert for screen readers and keyboards too.
  function coverPage() {
    hidePanel();
    resetShiftCount({ silent: true });
    const message = el("p", { class: "wp-overlay__text", role: "alert" });
    parts.overlay = el("dialog", { class: "wp-overlay", "aria-label": TEXT.exitLoading }, [message]);
    parts.overlay.addEventListener("cancel", (event) => event.preventDefault());
    overlayParent().append(parts.overlay);
    try {
      parts.overlay.showModal();
    } catch (error) {
      parts.overlay.classList.add("wp-overlay--fallback");
      parts.overlay.setAttribute("open", "");
    }
    // Text set after the element is in place is announced more reliably.
    message.textContent = TEXT.exitLoading;
  }

  // Coming back with Back can restore this page from the back/forward cache with
  // the overlay still on it; take it away so the page is usable.
  function restoreAfterBack() {
    if (parts.overlay) {
      if (parts.overlay.open && typeof parts.overlay.close === "function") parts.overlay.close();
      parts.overlay.remove();
      parts.overlay = null;
    }
    exiting = false;
    resetShiftCount({ silent: true });
  }

  function listen() {
    document.addEventListener("keydown", onShiftKeydown, true);
    document.addEventListener("keyup", onShiftKeyup, true);
    // Shift-click (selecting text) uses Shift as a modifier too.
    document.addEventListener("pointerdown", (event) => {
      if (event.shiftKey) shift.alone = false;
    }, true);
    window.addEventListener("pageshow", restoreAfterBack);
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
    if (!parts.indicator) return;
    parts.indicator.classList.toggle("wp-exit__indicator--visible", shift.count > 0);
    parts.lights.forEach((light, index) => light.classList.toggle("wp-exit__light--on", index < shift.count));
  }

  function setShiftStatus(message) {
    if (parts.shiftStatus) parts.shiftStatus.textContent = message;
  }

  // In the conversation's language too, beside the English: someone may need it fast.
  function setLanguage(code) {
    const language = LANGUAGES[code];
    if (!parts.translated) return;
    const translated = language && language.exit ? language.exit : "";
    parts.translated.textContent = translated;
    parts.translated.hidden = !translated;
    if (translated) {
      parts.translated.setAttribute("lang", code);
      parts.translated.setAttribute("dir", language.dir);
    }
  }

  return { addSkipLink, button, listen, setLanguage };
}
