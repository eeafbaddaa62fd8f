"""Noticing that the person writing is under 18, so that the answer fits a girl, not only a woman.

Reached when someone gives an age under 18 ("im 14", "15 yo") or says where they are at
school ("year 9", "sixth form", "at school"). Then the under-18 answer comes first
(Childline, Report Remove, CEOP, a trusted adult, 999), and no answer afterwards in the
conversation offers a service that is for adults only. Someone writing about their
child ("my daughter is 14") is a parent, not a child: the words "my son", "my daughter"
and the like before the age switch the detection off.
"""
from __future__ import annotations

import re
from typing import Optional, Text

# When a young person gives no age, answers are chosen as if for a 15-year-old: the
# strictest adult limit in the content is 18, and some services start at 16.
AGE_WHEN_ONLY_SCHOOL_IS_SAID = 15
_OWN_AGE = re.compile(
    r"\b(?:i'?m|im|i am|am|aged?|age is)\s*(?:only\s*|just\s*)?(?P<age>[5-9]|1[0-7])\b(?!\s*(?:weeks?|months?|mins?|minutes?|hours?|times?|%))"
    r"|\b(?P<age2>[5-9]|1[0-7])\s*(?:yo|y/o|yrs? old|years? old|year old)\b"
)
_SCHOOL = re.compile(
    r"\b(?:year|yr|y)\s*(?:[7-9]|1[0-3])\b|\bsixth form\b|\b(?:at|in|from|my|our) (?:school|secondary school|high school)\b"
    r"|\bmy (?:form )?tutor\b|\bmy teacher\b|\bgcses?\b"
)
# "my daughter is 14": about someone else's age.
_SOMEONE_ELSES = re.compile(r"\b(?:my|our|her|his|their) (?:son|daughter|child|kid|niece|nephew|pupil|student|sister|brother|grandaughter|granddaughter)\b")


def young_person_age(text: Text) -> Optional[int]:
    """The writer's own age when it is under 18, AGE_WHEN_ONLY_SCHOOL_IS_SAID when they only
    say they are at school, or None."""
    lowered = text.lower().replace("’", "'")
    if _SOMEONE_ELSES.search(lowered):
        return None
    match = _OWN_AGE.search(lowered)
    if match:
        return int(match.group("age") or match.group("age2"))
    return AGE_WHEN_ONLY_SCHOOL_IS_SAID if _SCHOOL.search(lowered) else None
