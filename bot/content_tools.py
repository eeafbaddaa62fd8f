"""The comms team's two commands: check the content, and preview it for sign-off.

    scripts/content check     lists problems (and refuses the content) and entries to review
    scripts/content preview   writes every answer, service and hour to one HTML page
"""
from __future__ import annotations

import argparse
import html
import re
import sys
from datetime import date
from pathlib import Path
from typing import List, Mapping, Optional, Sequence, Text, Union

from bot.actions.content_model import Content, Service, Topic
from bot.actions.content_store import check_directory
from bot.actions.opening_hours import describe_hours
from connectors.languages import LANGUAGES
from bot.actions.rendering import fill_placeholders
from bot.settings import PROJECT_ROOT, load_settings

# The reference facts that numbers are checked against, where this checkout has them.
DEFAULT_FACTS = PROJECT_ROOT.parent / "shared" / "reference" / "facts.md"
# UK phone numbers as content writes them: "0808 2000 247", "024 7686 5505", "116 123", "0800 1111".
PHONE_NUMBER = re.compile(r"\b(?:0\d{2,4}[ -]?\d{2,4}[ -]?\d{3,4}|0\d{3} \d{4}|116 ?\d{3})\b")
ANY_DIGITS = re.compile(r"\d[\d ]{1,14}\d")


def _digits(number: Text) -> Text:
    return re.sub(r"\D", "", number)


def numbers_not_in_facts(content: Content, facts_text: Text) -> List[Text]:
    """Each phone number a service or answer gives that the facts file does not list:
    a warning naming the entry, so comms staff see what still needs confirming."""
    known = {_digits(match) for match in ANY_DIGITS.findall(facts_text)}
    found = [(f"service '{s.id}'", getattr(s, field)) for s in content.services.values()
             for field in ("phone", "textphone", "text") if getattr(s, field)]
    found += [(f"topic '{t.id}'", number) for t in content.topics.values()
              for message in t.messages for number in PHONE_NUMBER.findall(message)]
    return [f"{where}: {number} is not in facts.md; confirm it before launch."
            for where, number in found if _digits(number) not in known and len(_digits(number)) > 3]


def run_check(directory: Path, quiet: bool = False, facts: Optional[Path] = None) -> int:
    result = check_directory(directory)
    if result.problems:
        print(f"The content in {directory} has {len(result.problems)} problem(s). The assistant will not use it until they are fixed:")
        for problem in result.problems:
            print(f"  - {problem}")
        return 1
    summary = f"Content OK: {len(result.content.topics)} topics, {len(result.content.services)} services."
    print(summary)
    if result.review_notes and not quiet:
        print(f"{len(result.review_notes)} entries need review before launch:")
        for note in result.review_notes:
            print(f"  - {note}")
    elif result.review_notes:
        print(f"{len(result.review_notes)} entries need review (scripts/content check lists them).")
    for overdue in result.overdue:
        print(f"  - {overdue}")
    if facts is not None and facts.exists():
        unknown = numbers_not_in_facts(result.content, facts.read_text(encoding="utf-8"))
        print(f"{len(unknown)} phone number(s) not in {facts.name}" + (":" if unknown else "."))
        for warning in unknown:
            print(f"  - {warning}")
    for stale in result.stale_translations:
        print(f"  - Translation out of date: {stale}")
    if result.overdue:
        print(f"FAILED: {len(result.overdue)} entr{'y is' if len(result.overdue) == 1 else 'ies are'} past their review date "
              "(listed above). The assistant still uses them; review each and move its review_by date on.")
    if result.stale_translations:
        print(f"FAILED: {len(result.stale_translations)} translation(s) out of date with the English (listed above). "
              "The assistant says those in English until a translator updates them.")
    return 1 if result.overdue or result.stale_translations else 0


def _status(entry: Union[Topic, Service]) -> Text:
    mark = "verified" if entry.verified else "NOT VERIFIED"
    due = f", review by {entry.review_by.isoformat()}" if entry.review_by else ""
    return (f'<span class="{"ok" if entry.verified else "todo"}">{mark}</span>, reviewed '
            f'{entry.reviewed.isoformat()}{due}, source: {html.escape(entry.source)}')


def _service_html(service: Service, content: Content) -> Text:
    details = [service.summary]
    for label, value in (("Phone", service.phone), ("Textphone", service.textphone), ("Text", service.text), ("Web", service.url)):
        if value:
            details.append(f"{label}: {value}")
    details.append(describe_hours(service, content.cards) or "Hours not known")
    details.append(f"Areas: {', '.join(service.areas)}. Serves: {', '.join(service.serves)}. Needs: {', '.join(service.needs)}.")
    items = "".join(f"<li>{html.escape(d)}</li>" for d in details)
    translated = {code: (t.summaries[service.id],) for code, t in content.translations.items() if service.id in t.summaries}
    return (f'<section id="service-{service.id}"><h3>{html.escape(service.name)}</h3><ul>{items}</ul>'
            f'<p class="meta">{_status(service)}</p>{_translations_html((service.summary,), translated, content)}</section>')


def _topic_html(topic: Topic, content: Content) -> Text:
    messages = "".join(f"<p class=\"bubble\">{html.escape(fill_placeholders(m))}</p>" for m in topic.messages)
    services = "".join(
        f'<li><a href="#service-{s}">{html.escape(content.services[s].name)}</a></li>' for s in topic.services if s in content.services
    )
    buttons = "".join(
        f'<a class="button" href="#topic-{b}">{html.escape(content.topics[b].label)}</a>' for b in topic.buttons if b in content.topics
    )
    translated = {code: t.messages[topic.id] for code, t in content.translations.items() if topic.id in t.messages}
    return (
        f'<section id="topic-{topic.id}"><h3>{html.escape(topic.label)} <code>{topic.id}</code></h3>{messages}'
        f'{"<ul>" + services + "</ul>" if services else ""}<p>{buttons}</p><p class="meta">{_status(topic)}</p>'
        f'{_translations_html(topic.messages, translated, content)}</section>'
    )


def _card_words_html(content: Content) -> Text:
    """The card words (cards.yml) and each translation of them."""
    english = [content.cards.phrases[key] for key in sorted(content.cards.phrases)] + [", ".join(content.cards.days)]
    translated = {code: [t.cards.phrases[key] for key in sorted(t.cards.phrases)] + [", ".join(t.cards.days)]
                  for code, t in content.translations.items() if t.cards}
    items = "".join(f"<li>{html.escape(words)}</li>" for words in english)
    return (f'<section id="card-words"><h3>Service card words <code>cards.yml</code></h3><ul>{items}</ul>'
            f"{_translations_html(english, translated, content)}</section>")


def _translations_html(english: Sequence[Text], translated: Mapping[Text, Sequence[Text]], content: Content) -> Text:
    """Each translation beside the English, line by line, for a translator to check."""
    rows = []
    for code in sorted(translated):
        info = LANGUAGES[code]
        status = '<span class="ok">verified</span>' if content.translations[code].verified else '<span class="todo">NOT VERIFIED</span>'
        for original, words in zip(english, translated[code]):
            rows.append(f'<tr><td>{html.escape(info.english_name)} ({status})</td><td>{html.escape(original)}</td>'
                        f'<td lang="{code}" dir="{info.direction}">{html.escape(words)}</td></tr>')
    if not rows:
        return ""
    return ('<table class="translations"><tr><th>Language</th><th>English</th><th>Translation</th></tr>'
            + "".join(rows) + "</table>")


STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.bubble{background:#eef3f8;border-radius:.6rem;padding:.5rem .8rem;max-width:40rem}
.button{display:inline-block;border:1px solid #1d4f91;border-radius:1rem;padding:.1rem .7rem;margin:.2rem;color:#1d4f91}
.meta{font-size:.85rem;color:#444}.todo{color:#a00;font-weight:bold}.ok{color:#060}
section{border-top:1px solid #ccc;padding-top:.5rem}
.translations{border-collapse:collapse;font-size:.9rem}.translations td,.translations th{border:1px solid #ccc;padding:.3rem;vertical-align:top}"""


def render_preview(content: Content, review_notes: List[Text]) -> Text:
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in review_notes) or "<li>Nothing to review.</li>"
    topics = "".join(_topic_html(t, content) for t in sorted(content.topics.values(), key=lambda t: t.id))
    services = "".join(_service_html(s, content) for s in sorted(content.services.values(), key=lambda s: s.name))
    services += _card_words_html(content)
    return (
        f"<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Assistant content preview</title>"
        f"<style>{STYLE}</style></head><body><h1>Assistant content preview</h1>"
        f"<p>Generated {date.today().isoformat()}. Every answer the assistant can give, and every service it lists.</p>"
        f"<h2>Needs review</h2><ul>{notes}</ul><h2>Answers</h2>{topics}<h2>Services</h2>{services}</body></html>"
    )


def run_preview(directory: Path, output: Path) -> int:
    result = check_directory(directory)
    if not result.ok:
        return run_check(directory)
    output.write_text(render_preview(result.content, result.review_notes), encoding="utf-8")
    print(f"Preview written to {output}")
    return 0


def main(argv: List[Text]) -> int:
    parser = argparse.ArgumentParser(prog="scripts/content", description="Check or preview the assistant's content.")
    parser.add_argument("command", choices=["check", "preview"])
    parser.add_argument("--dir", type=Path, default=None, help="content folder (default: CONTENT_DIR)")
    parser.add_argument("--out", type=Path, default=Path("content-preview.html"), help="where preview writes the page")
    parser.add_argument("--quiet", action="store_true", help="check: count entries to review instead of listing them")
    parser.add_argument("--facts", type=Path, default=DEFAULT_FACTS,
                        help="check: warn about phone numbers this facts file does not list (skipped if it is missing)")
    args = parser.parse_args(argv)
    directory = args.dir or load_settings().content_dir
    if args.command == "check":
        return run_check(directory, quiet=args.quiet, facts=args.facts)
    return run_preview(directory, args.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
