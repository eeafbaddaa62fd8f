"""What the fuzz tests send: requests a careless or hostile client could make.

Shared by tests/widget/test_fuzz.py (the widget channel, in process) and
tests/integration/test_fuzz.py (the REST channel and the action server, running).
Seeded (`derandomize`) so a run is the same every time, and never reads or writes
hypothesis's example database.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz(examples: int) -> settings:
    """`examples` generated requests, the same ones every run."""
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None, print_blob=False,
                    suppress_health_check=list(HealthCheck))


# Text that is unmistakably the caller's, so an echo of it can be spotted.
MARKED_TEXT = st.text(min_size=1, max_size=200).map(lambda text: f"zq{text}qz")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=12,
)
SURROGATES = st.sampled_from(['"\\ud800"', '"\\udfff x"', '"a\\ud83d"'])


def marks_in(value: Any) -> List[str]:
    """The caller's marked strings anywhere in a JSON value."""
    if isinstance(value, str):
        return [value] if "zq" in value else []
    if isinstance(value, dict):
        return [m for k, v in value.items() for m in marks_in(k) + marks_in(v)]
    if isinstance(value, list):
        return [m for item in value for m in marks_in(item)]
    return []


def json_bodies(fields: Dict[str, st.SearchStrategy]) -> st.SearchStrategy[Tuple[bytes, List[str]]]:
    """(body, the marked strings in it): bodies near the shape an endpoint wants (some
    fields right, some wrong, some extra), and far from it (any JSON, any bytes, text
    with half an emoji, cut-off JSON)."""
    near = st.fixed_dictionaries({key: st.one_of(value, JSON_VALUES) for key, value in fields.items()},
                                 optional={"metadata": JSON_VALUES, "input_channel": JSON_VALUES, "extra": MARKED_TEXT})
    as_json = st.one_of(near, JSON_VALUES).map(lambda body: (json.dumps(body).encode("utf-8"), marks_in(body)))
    raw = st.binary(max_size=300).map(lambda body: (body, []))
    broken = st.builds(lambda key, junk: (f'{{"{key}": {junk}'.encode(), []), st.sampled_from(list(fields)), SURROGATES)
    return st.one_of(as_json, as_json, raw, broken)


def assert_handled(response: requests.Response, marks: List[str]) -> None:
    """No server error, no traceback, nothing the caller sent repeated back."""
    assert response.status_code < 500, (response.status_code, response.text[:200])
    assert "Traceback" not in response.text and 'File "' not in response.text
    for mark in marks:
        if len(mark) >= 8:
            assert mark not in response.text and json.dumps(mark)[1:-1] not in response.text, \
                f"the answer repeats the request: {mark!r}"
