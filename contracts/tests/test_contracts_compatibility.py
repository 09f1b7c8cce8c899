"""What counts as a backward-incompatible schema change: removed field, narrowed type, new required field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from contracts.compatibility import problems
from contracts.generate import incompatibilities


class Inner(BaseModel):
    x: str


class V1(BaseModel):
    a: str
    b: int | None = None
    c: Literal["one", "two"] = "one"
    d: str = Field(default="", max_length=20)
    inner: Inner | None = None
    amount: float = 0


def changes(new: type[BaseModel]) -> list[str]:
    return problems(V1.model_json_schema(), new.model_json_schema())


def test_the_same_schema_is_compatible() -> None:
    assert changes(V1) == []


def test_a_new_optional_field_and_wider_types_are_compatible() -> None:
    class Wider(V1):
        a: str | None  # type: ignore[assignment]
        c: Literal["one", "two", "three"] = "one"  # type: ignore[assignment]
        d: str = Field(default="", max_length=40)
        later: str | None = None

    assert changes(Wider) == []


def test_a_removed_field_is_incompatible() -> None:
    class Removed(BaseModel):
        a: str
        c: Literal["one", "two"] = "one"
        d: str = Field(default="", max_length=20)
        inner: Inner | None = None
        amount: float = 0

    assert changes(Removed) == ["$.b: field removed"]


def test_a_narrowed_type_is_incompatible() -> None:
    class Narrower(V1):
        b: int = 0  # type: ignore[assignment]  # null no longer accepted
        c: Literal["one"] = "one"  # type: ignore[assignment]
        d: str = Field(default="", max_length=10)
        amount: int = 0  # type: ignore[assignment]

    found = changes(Narrower)
    assert any(p.startswith("$.b: no longer accepts null") for p in found), found
    assert any(p.startswith("$.c: values narrowed") for p in found), found
    assert any(p.startswith("$.d: maxLength tightened") for p in found), found
    assert any(p.startswith("$.amount: type narrowed") for p in found), found


def test_a_new_required_field_is_incompatible_even_deep_inside() -> None:
    class Inner2(BaseModel):
        x: str
        y: str

    class Required(V1):
        inner: Inner2 | None = None  # type: ignore[assignment]
        e: str

    found = changes(Required)
    assert "$.e: new required field" in found
    assert any(p.startswith("$.inner: no longer accepts Inner") for p in found), found


def test_raising_the_version_releases_a_message_from_its_old_schema(tmp_path: Path) -> None:
    released = tmp_path / "released"
    released.mkdir()
    (released / "Thing.v1.json").write_text(json.dumps(V1.model_json_schema()))

    class Broken(BaseModel):
        a: int

    (tmp_path / "Thing.v1.json").write_text(json.dumps(Broken.model_json_schema()))
    assert incompatibilities(tmp_path)
    (tmp_path / "Thing.v1.json").rename(tmp_path / "Thing.v2.json")
    assert incompatibilities(tmp_path) == []
    (released / "Other.v1.json").write_text(json.dumps(V1.model_json_schema()))
    assert incompatibilities(tmp_path) == ["Other: released v1, no longer generated"]
