// One message from the assistant, as the widget shows it: its text with https:// addresses
// as links (everything else stays text, never markup) and its buttons. The chat panel uses
// it, and so does the content studio's preview, so staff see exactly what the public sees.

import { el, hiddenText } from "./dom.js";
import { LANGUAGES, TEXT } from "./text.js";

// https:// addresses become links; everything else stays a text node.
const URL_PATTERN = /https:\/\/[^\s<>"'`]+/g;
// Numbers, with the spaces inside them ("0808 2000 247", "18001 101").
const NUMBER_PATTERN = /\d+(?: \d+)*/g;

// onChoose(button, group, pressedElement) runs when a button is pressed.
export function renderBotMessage(message, onChoose) {
  const text = typeof message.text === "string" ? message.text : "";
  const buttons = Array.isArray(message.buttons) ? message.buttons.filter(isUsableButton) : [];
  if (!text && buttons.length === 0) return null;
  const node = el("div", { class: "wp-msg wp-msg--bot" }, [hiddenText(TEXT.botSays)]);
  if (text) {
    // The language it is written in, so screen readers and fonts get it right; Urdu right to left.
    const language = LANGUAGES[message.lang] ? message.lang : "en";
    const direction = LANGUAGES[language].dir;
    const paragraph = el("p", { class: "wp-msg__text", lang: language, dir: direction });
    appendWithLinks(paragraph, text, direction === "rtl");
    node.append(paragraph);
  }
  if (buttons.length) node.append(renderChoices(buttons, onChoose, message.lang));
  return node;
}

function renderChoices(buttons, onChoose, lang) {
  const group = el("div", { class: "wp-choices", role: "group", "aria-label": TEXT.choices });
  const language = LANGUAGES[lang] ? lang : "en";
  for (const button of buttons) {
    const onclick = (event) => onChoose(button, group, event.currentTarget);
    group.append(el("button", { type: "button", class: "wp-choice", text: button.title, onclick, dir: "auto" }));
  }
  group.setAttribute("lang", language);
  return group;
}

function isUsableButton(button) {
  return button && typeof button.title === "string" && button.title && typeof button.payload === "string";
}

function appendWithLinks(parent, text, isolateNumbers) {
  let position = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const address = trimTrailingPunctuation(match[0]);
    appendText(parent, text.slice(position, match.index), isolateNumbers);
    parent.append(makeLink(address));
    position = match.index + address.length;
  }
  appendText(parent, text.slice(position), isolateNumbers);
}

// In right-to-left text the groups of a phone number would be drawn last group first
// ("247 2000 0808"): each number is set apart, left to right.
function appendText(parent, text, isolateNumbers) {
  if (!isolateNumbers) {
    parent.append(document.createTextNode(text));
    return;
  }
  let position = 0;
  for (const match of text.matchAll(NUMBER_PATTERN)) {
    parent.append(document.createTextNode(text.slice(position, match.index)));
    parent.append(el("span", { dir: "ltr", text: match[0] }));
    position = match.index + match[0].length;
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
