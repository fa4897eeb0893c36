"""The role-name rule: standard roles by any usual spelling, custom roles on purpose, and a
typo of a standard role refused with a suggestion instead of becoming a silent custom role."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from irtui.domain.model import (
    ROLE_ALIASES,
    CustomRole,
    Role,
    UnknownRoleError,
    normalise_role,
)
from irtui.domain.policy import PolicyError, load_policy, parse_policy
from irtui.paths import default_policy_file


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("IC", Role.COMMANDER),
        ("Incident Commander", Role.COMMANDER),
        ("tech-lead", Role.TECH_LEAD),
        ("Ops Lead", Role.TECH_LEAD),
        ("comms-lead", Role.COMMS_LEAD),
        ("Communications Lead", Role.COMMS_LEAD),
        ("deputy IC", Role.DEPUTY),
        ("customer liaison", "customer_liaison"),
        ("security", "security"),
        ("sre", "sre"),
        ("legal", "legal"),
        ("tech writer", "tech_writer"),
    ],
)
def test_standard_spellings_and_real_custom_roles_are_accepted(typed: str, role: str) -> None:
    assert normalise_role(typed) == role


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("comander", "ic"),
        ("Commandr", "ic"),
        ("techlead", "tech"),
        ("tech_lead_", "tech"),
        ("coms", "comms"),
        ("scrib", "scribe"),
        ("scribes", "scribe"),
        ("depty", "deputy"),
    ],
)
def test_a_near_miss_is_refused_with_the_standard_short_name(typed: str, suggestion: str) -> None:
    with pytest.raises(UnknownRoleError) as caught:
        normalise_role(typed)
    assert caught.value.suggestion == suggestion and caught.value.name == typed
    assert f"did you mean `{suggestion}`?" in str(caught.value)


def test_custom_role_is_taken_as_written_and_stays_custom() -> None:
    role = normalise_role(CustomRole("Comander"))
    assert role == "comander" and isinstance(role, CustomRole)
    assert normalise_role(role) == "comander"  # the next layer does not refuse it either
    assert normalise_role(CustomRole("IC")) == Role.COMMANDER  # an alias is still an alias
    with pytest.raises(ValueError, match="empty"):
        normalise_role(CustomRole("  "))


@given(
    st.sampled_from(sorted(ROLE_ALIASES)),
    st.sampled_from(["_", "-", " "]),
    st.sampled_from([str.lower, str.upper, str.title]),
    st.booleans(),
)
def test_every_alias_maps_to_its_role_however_it_is_written(
    alias: str, separator: str, case, custom: bool
) -> None:
    typed = "  " + case(alias.replace("_", separator)) + " "
    assert normalise_role(CustomRole(typed) if custom else typed) == ROLE_ALIASES[alias]


def test_a_near_miss_in_a_policy_names_its_file_and_line(tmp_path) -> None:
    text = default_policy_file().read_text(encoding="utf-8")
    assert "required_roles: [commander]\n" in text
    bad = text.replace("required_roles: [commander]\n", "required_roles: [comander]\n", 1)
    line = bad.splitlines().index("    required_roles: [comander]") + 1
    with pytest.raises(PolicyError) as caught:
        parse_policy(bad, "team.yaml")
    assert str(caught.value).startswith(f"team.yaml:{line}: ")
    assert "did you mean `ic`?" in str(caught.value)
    assert load_policy().levels[1].required_roles[0] == Role.COMMANDER


def test_a_role_name_is_typed_text_cleaned_and_bounded() -> None:
    from irtui.boundary.errors import TextRefused

    assert normalise_role("\x1b[1mScribe\x1b[0m") == Role.SCRIBE
    assert normalise_role("ven\u202edor") == "vendor"  # a bidi override is not part of a name
    with pytest.raises(TextRefused, match="limit is 120"):
        normalise_role("x" * 121)
    with pytest.raises(ValueError, match="empty"):
        normalise_role("\x1b[31m\x1b[0m")
