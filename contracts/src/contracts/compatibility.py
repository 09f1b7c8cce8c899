"""Is a message's new JSON Schema backward compatible with its released one?

A change breaks readers or writers when it removes a field, narrows a type (fewer types, fewer values, a
new or changed pattern or format, tighter bounds), or adds a required field. Such a change needs a new
`schema_version`; everything else (a new optional field, a wider type, new documentation) is compatible.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

_UPPER = ("maxLength", "maximum", "exclusiveMaximum", "maxItems")
_LOWER = ("minLength", "minimum", "exclusiveMinimum", "minItems")
_EXACT = ("pattern", "format")


def problems(old: Schema, new: Schema) -> list[str]:
    """Every incompatibility of `new` against `old` (whole documents with their `$defs`), by path."""
    found: list[str] = []
    _Comparison(old, new, found).compare(old, new, "$", frozenset())
    return found


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema, found: list[str]) -> None:
        self.old_root, self.new_root, self.found = old_root, new_root, found

    def compare(self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]) -> None:
        pair = (old.get("$ref", ""), new.get("$ref", ""))
        if pair != ("", ""):
            if pair in seen:  # a recursive definition already under comparison
                return
            seen = seen | {pair}
        old, new = _resolve(self.old_root, old), _resolve(self.new_root, new)
        old_branches, new_branches = _branches(old), _branches(new)
        if len(old_branches) > 1 or len(new_branches) > 1:
            for branch in old_branches:
                if not any(self._accepts(branch, candidate, seen) for candidate in new_branches):
                    self.found.append(f"{path}: no longer accepts {_describe(branch)}")
            return
        self._compare_one(old, new, path, seen)

    def _accepts(self, old: Schema, new: Schema, seen: frozenset[tuple[str, str]]) -> bool:
        trial: list[str] = []
        _Comparison(self.old_root, self.new_root, trial).compare(old, new, "", seen)
        return not trial

    def _compare_one(self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]) -> None:
        old_types, new_types = _types(old), _types(new)
        if new_types is not None and (old_types is None or not _covered(old_types, new_types)):
            self.found.append(f"{path}: type narrowed from {_show(old_types)} to {_show(new_types)}")
        old_values, new_values = _values(old), _values(new)
        if new_values is not None and (old_values is None or not old_values <= new_values):
            self.found.append(f"{path}: values narrowed from {_show(old_values)} to {_show(new_values)}")
        for key in _EXACT:
            if key in new and old.get(key) != new[key]:
                self.found.append(f"{path}: {key} changed from {old.get(key)!r} to {new[key]!r}")
        for key in _UPPER:
            if key in new and (key not in old or new[key] < old[key]):
                self.found.append(f"{path}: {key} tightened to {new[key]}")
        for key in _LOWER:
            if key in new and (key not in old or new[key] > old[key]):
                self.found.append(f"{path}: {key} tightened to {new[key]}")
        self._compare_object(old, new, path, seen)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.compare(old["items"], new["items"], f"{path}[]", seen)

    def _compare_object(self, old: Schema, new: Schema, path: str, seen: frozenset[tuple[str, str]]) -> None:
        old_fields, new_fields = old.get("properties", {}), new.get("properties", {})
        for name, schema in old_fields.items():
            if name not in new_fields:
                self.found.append(f"{path}.{name}: field removed")
            else:
                self.compare(schema, new_fields[name], f"{path}.{name}", seen)
        for name in sorted(set(new.get("required", ())) - set(old.get("required", ()))):
            what = "field became required" if name in old_fields else "new required field"
            self.found.append(f"{path}.{name}: {what}")
        old_extra, new_extra = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if new_extra is False and old_extra is not False:
            self.found.append(f"{path}: no longer accepts other fields")
        elif isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare(old_extra, new_extra, f"{path}.*", seen)


def _resolve(root: Schema, schema: Schema) -> Schema:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {**root["$defs"][name], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _branches(schema: Schema) -> list[Schema]:
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return [dict(branch) for branch in schema[key]]
    return [schema]


def _types(schema: Schema) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _covered(old: set[str], new: set[str]) -> bool:
    """Every old type is still accepted; a number type accepts integers too."""
    return all(t in new or (t == "integer" and "number" in new) for t in old)


def _values(schema: Schema) -> set[str] | None:
    if "const" in schema:
        return {repr(schema["const"])}
    if "enum" in schema:
        return {repr(value) for value in schema["enum"]}
    return None


def _show(items: set[str] | None) -> str:
    return "any" if items is None else "|".join(sorted(items))


def _describe(schema: Schema) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    shown = _values(schema) or _types(schema)
    return _show(shown)
