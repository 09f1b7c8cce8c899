"""Fast `dataclasses.replace` and construction for the domain's frozen slots dataclasses.

A rebuild folds hundreds of thousands of events, each building a Draft (17 fields), often a Line and a
price; `dataclasses.replace` re-reads the fields on every call (~4.7 us for a Draft) and a frozen
`__init__` sets each slot through `object.__setattr__` by name. The functions made here are generated once
per class and set the slots through their descriptors: same result (the class has no `__post_init__` and
every field is an init field, checked when made), ~3x cheaper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
KEEP: Any = object()  # "not given" to a replacer: keep the field's current value


def _fields(cls: type) -> list[dataclasses.Field[Any]]:
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen slots dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__: construct it through __init__")
    fields = dataclasses.fields(cls)
    if not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__} has a field outside __init__")
    return list(fields)


def _generate(cls: type, name: str, params: str, values: dict[str, str], extra: dict[str, Any]) -> Any:
    body = "".join(f"    _set_{f}(new, {value})\n" for f, value in values.items())
    source = f"def {name}({params}):\n    new = _new(_cls)\n{body}    return new\n"
    namespace: dict[str, Any] = {
        "_cls": cls,
        "_new": object.__new__,
        "_KEEP": KEEP,
        **{f"_set_{f}": getattr(cls, f).__set__ for f in values},  # the slot's member descriptor
        **extra,
    }
    exec(source, namespace)  # the source is built from the class's own field names
    return namespace[name]


def replacer(cls: type[T]) -> Callable[..., T]:
    """`replace(obj, **changes)` for `cls`: a copy of `obj` with the given fields changed."""
    names = [f.name for f in _fields(cls)]
    params = "obj, /, *, " + ", ".join(f"{n}=_KEEP" for n in names)
    values = {n: f"obj.{n} if {n} is _KEEP else {n}" for n in names}
    replace: Callable[..., T] = _generate(cls, "replace", params, values, {})
    return replace


def constructor(cls: type[T]) -> Callable[..., T]:
    """`make(**fields)` for `cls`: what `cls(**fields)` builds, defaults and default factories included."""
    fields = _fields(cls)
    defaults: dict[str, Any] = {}
    params, values = [], {}
    for f in fields:
        if f.default is not dataclasses.MISSING:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            values[f.name] = f.name
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_KEEP")
            values[f.name] = f"_factory_{f.name}() if {f.name} is _KEEP else {f.name}"
        else:
            params.append(f.name)
            values[f.name] = f.name
    make: Callable[..., T] = _generate(cls, "make", "*, " + ", ".join(params), values, defaults)
    return make
