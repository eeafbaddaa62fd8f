"""`scripts/content check` warns about phone numbers the reference facts do not list."""
from __future__ import annotations

from bot.content_tools import numbers_not_in_facts


def test_numbers_missing_from_the_facts_are_named_with_their_entry(content):
    samaritans, childline = content.services["samaritans"], content.services["childline"]
    warnings = numbers_not_in_facts(content, f"| Samaritans | {samaritans.phone}, free, 24/7 |")
    assert not any(samaritans.phone in w for w in warnings)
    assert any("service 'national_domestic_abuse_helpline'" in w and "0808 2000 247" in w for w in warnings)
    assert any(w.startswith("topic '") and childline.phone in w for w in warnings), "numbers in answers are checked too"


def test_every_number_is_found_in_facts_that_list_them_all(content):
    everything = "\n".join(
        [str(getattr(s, f)) for s in content.services.values() for f in ("phone", "textphone", "text") if getattr(s, f)]
        + [m for t in content.topics.values() for m in t.messages]
    )
    assert numbers_not_in_facts(content, everything) == []
