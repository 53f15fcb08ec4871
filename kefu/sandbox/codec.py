"""Plain data across the trust boundary between a learner's process and the grader.

A learner's answers leave the sandbox only as JSON built from tagged plain
values. The grader decodes them into genuine ``str``/``int``/``list``/pandas
objects, so whatever the learner's objects claimed about themselves (a
``__eq__`` that is always True, a ``str`` subclass, a DataFrame whose
comparison lies) is gone: only the underlying data crosses, and the grader's
own pandas compares it. Nothing is ever unpickled.

Encoding walks values with the base classes' own methods and refuses types it
does not know; those become a ``handle`` the grader can only call or inspect
remotely (see ``kefu.sandbox.remote``). Decoding accepts only the tags below,
checks every field's type, and builds numpy arrays only from plain numeric,
boolean, datetime and timedelta dtypes.
"""

from __future__ import annotations

import base64
import datetime as _dt
import importlib
import math
import types
from typing import Any, Callable

import numpy as np
import pandas as pd

MAX_DEPTH = 40
MAX_ITEMS = 2_000_000

# Libraries the grader may bind by name when a learner's namespace refers to them (the grader then
# uses its own genuine copy, never the learner's possibly patched one).
TRUSTED_MODULES = frozenset({
    "kefu", "pandas", "numpy", "math", "copy", "datetime", "re", "collections", "itertools", "functools",
    "statistics", "json", "decimal", "fractions", "string", "textwrap", "typing", "operator", "random",
    "time", "dataclasses", "enum", "builtins"})


class CodecError(ValueError):
    """The data is not plain data this codec accepts."""


# --- encoding -----------------------------------------------------------------------------------

_RAW_KINDS = "biufcMm"  # numpy kinds whose buffers are plain bytes (c: complex)


class Encoder:
    """Turns values into JSON-ready tagged data; unknown objects go to ``to_handle``."""

    def __init__(self, to_handle: Callable[[Any], int] | None = None):
        self._to_handle = to_handle
        self._items = 0

    def encode(self, value: Any, depth: int = 0) -> Any:
        self._items += 1
        if self._items > MAX_ITEMS or depth > MAX_DEPTH:
            raise CodecError("value too large or too deeply nested")
        kind = type(value)
        if value is None or kind is bool or kind is str:
            return value if kind is not str else {"s": value}
        if kind is int:
            return {"i": str(value)}
        if kind is float:
            return {"f": _float_text(value)}
        if kind in (list, tuple, set, frozenset):
            tag = {list: "l", tuple: "t", set: "set", frozenset: "fset"}[kind]
            return {tag: [self.encode(v, depth + 1) for v in kind.__iter__(value)]}
        if kind is dict:
            return {"d": [[self.encode(k, depth + 1), self.encode(v, depth + 1)]
                          for k, v in dict.items(value)]}
        if isinstance(value, np.generic) and kind.__module__ == "numpy":
            return self._numpy_scalar(value)
        if kind is pd.Timestamp:
            return {"ts": [_int64(value.value), str(value.unit), _tz_name(value.tz)]}
        if kind is pd.Timedelta:
            return {"td": [_int64(value.value), str(value.unit)]}
        if value is pd.NaT:
            return {"nat": True}
        if value is pd.NA:
            return {"na": True}
        if kind is _dt.datetime:
            return {"dt": value.isoformat()}
        if kind is _dt.date:
            return {"date": value.isoformat()}
        if kind is _dt.timedelta:
            return {"pytd": [value.days, value.seconds, value.microseconds]}
        if kind is bytes:
            return {"b": base64.b64encode(value).decode("ascii")}
        if kind is pd.DataFrame:
            return {"df": self._frame(value, depth)}
        if kind is pd.Series:
            return {"series": self._series(value, depth)}
        if isinstance(value, pd.Index) and kind.__module__.startswith("pandas"):
            return {"index": self._index(value, depth)}
        if kind is np.ndarray:
            return {"nd": self._array(value, depth)}
        return self._opaque(value)

    def _opaque(self, value):
        if isinstance(value, types.ModuleType):
            return {"mod": str(value.__name__)[:200], "h": self._handle(value), "type": "module"}
        reference = _importable_name(value)
        if reference:
            return {"ref": list(reference), "h": self._handle(value), "type": _type_label(value)}
        return {"h": self._handle(value), "type": _type_label(value)}

    def _handle(self, value) -> int:
        if self._to_handle is None:
            raise CodecError(f"cannot encode {type(value).__name__}")
        return self._to_handle(value)

    def _numpy_scalar(self, value):
        dtype = value.dtype
        if dtype.kind == "U":  # numpy's own text scalar (np.select, np.where on text): its characters, a plain str
            return {"s": str.__str__(value)}
        if dtype.kind not in _RAW_KINDS:
            return self._opaque(value)
        raw = np.asarray(value).tobytes()
        return {"np": [dtype.str, base64.b64encode(raw).decode("ascii")]}

    def _array(self, array: np.ndarray, depth: int):
        if array.dtype.kind in _RAW_KINDS:
            data = np.ascontiguousarray(array)
            return {"dtype": array.dtype.str, "shape": list(array.shape),
                    "raw": base64.b64encode(data.tobytes()).decode("ascii")}
        if array.dtype.kind == "O" and array.ndim == 1:
            return {"dtype": "O", "shape": list(array.shape),
                    "items": [self.encode(v, depth + 1) for v in array.tolist()]}
        return self._opaque(array)

    def _values(self, values, depth: int):
        """One column's values: raw numpy data, or items plus the dtype's name."""
        dtype = values.dtype
        if isinstance(dtype, np.dtype):
            return {"nd": self._array(np.asarray(values), depth)}
        if isinstance(dtype, pd.CategoricalDtype):
            cat = pd.Categorical(values)
            return {"cat": {"categories": self._index(cat.categories, depth + 1),
                            "codes": self._array(np.asarray(cat.codes), depth + 1),
                            "ordered": bool(cat.ordered)}}
        if isinstance(dtype, pd.DatetimeTZDtype):
            naive = np.asarray(pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None))
            return {"tz": [str(dtype.tz), self._array(naive, depth + 1)]}
        items = [None if _is_missing(v) else self.encode(_unbox(v), depth + 1) for v in list(values)]
        return {"ext": [str(dtype), items]}

    def _index(self, index: pd.Index, depth: int):
        names = [self.encode(n, depth + 1) for n in index.names]
        if type(index) is pd.RangeIndex:
            return {"range": [index.start, index.stop, index.step], "names": names}
        if isinstance(index, pd.MultiIndex):
            return {"multi": [self._values(index.get_level_values(i), depth + 1)
                              for i in range(index.nlevels)], "names": names}
        return {"values": self._values(index.array, depth + 1), "names": names}

    def _series(self, series: pd.Series, depth: int):
        return {"values": self._values(series.array, depth + 1), "index": self._index(series.index, depth + 1),
                "name": self.encode(series.name, depth + 1)}

    def _frame(self, frame: pd.DataFrame, depth: int):
        columns = [self._values(frame.iloc[:, i].array, depth + 1) for i in range(frame.shape[1])]
        return {"columns": columns, "names": self._index(frame.columns, depth + 1),
                "index": self._index(frame.index, depth + 1)}


def _importable_name(value) -> tuple[str, str] | None:
    """(module, qualname) when ``value`` is exactly what that name refers to, e.g. ``pd.DataFrame``."""
    import sys

    if not isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)):
        return None
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or module not in sys.modules:
        return None
    found = sys.modules[module]
    for part in qualname.split("."):
        found = getattr(found, part, None)
    return (module[:200], qualname[:200]) if found is value else None


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def _int64(value) -> str:
    return str(int(value))


def _tz_name(tz) -> str | None:
    return None if tz is None else str(tz)


def _type_label(value) -> str:
    kind = type(value)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"[:200]


def _is_missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (type(value) is float and math.isnan(value))


def _unbox(value):
    return value.item() if isinstance(value, np.generic) and value.dtype.kind in "biuf" else value


# --- decoding -----------------------------------------------------------------------------------

class Decoder:
    """Builds genuine Python and pandas objects from tagged data; handles go to ``from_handle``."""

    def __init__(self, from_handle: Callable[[int, str], Any] | None = None):
        self._from_handle = from_handle
        self._items = 0

    def decode(self, data: Any, depth: int = 0) -> Any:
        self._items += 1
        if self._items > MAX_ITEMS or depth > MAX_DEPTH:
            raise CodecError("value too large or too deeply nested")
        if data is None or type(data) is bool:
            return data
        if type(data) is not dict or len(data) == 0:
            raise CodecError(f"unexpected {type(data).__name__}")
        tag = next(iter(data))
        handler = _DECODERS.get(tag)
        if handler is None:
            raise CodecError(f"unknown tag {tag!r}")
        return handler(self, data[tag], data, depth + 1)

    def _list(self, items, depth):
        return [self.decode(v, depth) for v in _expect(items, list)]

    def _handle(self, ident, data, depth):
        if self._from_handle is None:
            raise CodecError("handles are not accepted here")
        return self._from_handle(_expect(ident, int), str(data.get("type", "?"))[:200])

    def _module(self, name, data, depth):
        name = _expect(name, str)
        if name.split(".")[0] in TRUSTED_MODULES:
            try:
                return importlib.import_module(name)
            except ImportError:
                pass
        return self._handle(data.get("h"), data, depth)

    def _reference(self, fields, data, depth):
        module, qualname = (_expect(v, str) for v in _expect(fields, list))
        if module.split(".")[0] in TRUSTED_MODULES:
            try:
                obj = importlib.import_module(module)
                for part in qualname.split("."):
                    obj = getattr(obj, part)
                return obj
            except (ImportError, AttributeError):
                pass
        return self._handle(data.get("h"), data, depth)

    def array(self, spec, depth) -> np.ndarray:
        spec = _expect(spec, dict)
        dtype_str = _expect(spec.get("dtype"), str)
        shape = tuple(_expect(n, int) for n in _expect(spec.get("shape"), list))
        if dtype_str == "O":
            items = [self.decode(v, depth) for v in _expect(spec.get("items"), list)]
            array = np.empty(len(items), dtype=object)
            array[:] = items
            return array.reshape(shape)
        dtype = _plain_dtype(dtype_str)
        raw = base64.b64decode(_expect(spec.get("raw"), str), validate=True)
        count = int(np.prod(shape)) if shape else 1
        if len(raw) != count * dtype.itemsize:
            raise CodecError("array size does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    def values(self, spec, depth):
        spec = _expect(spec, dict)
        if "nd" in spec:
            return self.array(spec["nd"], depth)
        if "cat" in spec:
            cat = _expect(spec["cat"], dict)
            categories = self.index(cat.get("categories"), depth)
            codes = self.array(cat.get("codes"), depth)
            if codes.dtype.kind not in "iu":
                raise CodecError("category codes must be integers")
            return pd.Categorical.from_codes(codes, categories=categories, ordered=bool(cat.get("ordered")))
        if "tz" in spec:
            tz, arr = _expect(spec["tz"], list)
            naive = self.array(arr, depth)
            if naive.dtype.kind != "M":
                raise CodecError("tz column must hold datetimes")
            return pd.DatetimeIndex(naive).tz_localize("UTC").tz_convert(_expect(tz, str)).array
        if "ext" in spec:
            dtype_name, items = _expect(spec["ext"], list)
            decoded = [None if v is None else self.decode(v, depth) for v in _expect(items, list)]
            return pd.array(decoded, dtype=_extension_dtype(_expect(dtype_name, str)))
        raise CodecError("unknown column encoding")

    def index(self, spec, depth) -> pd.Index:
        spec = _expect(spec, dict)
        names = [self.decode(n, depth) for n in _expect(spec.get("names"), list)]
        if "range" in spec:
            start, stop, step = (_expect(v, int) for v in _expect(spec["range"], list))
            return pd.RangeIndex(start, stop, step, name=names[0] if names else None)
        if "multi" in spec:
            arrays = [self.values(v, depth) for v in _expect(spec["multi"], list)]
            return pd.MultiIndex.from_arrays(arrays, names=names)
        return pd.Index(self.values(spec.get("values"), depth), name=names[0] if names else None,
                        tupleize_cols=False)

    def series(self, spec, depth) -> pd.Series:
        spec = _expect(spec, dict)
        return pd.Series(self.values(spec.get("values"), depth), index=self.index(spec.get("index"), depth),
                         name=self.decode(spec.get("name"), depth), copy=False)

    def frame(self, spec, depth) -> pd.DataFrame:
        spec = _expect(spec, dict)
        columns = [self.values(v, depth) for v in _expect(spec.get("columns"), list)]
        names = self.index(spec.get("names"), depth)
        index = self.index(spec.get("index"), depth)
        if len(names) != len(columns) or any(len(c) != len(index) for c in columns):
            raise CodecError("frame shape does not match its labels")
        frame = pd.DataFrame({i: pd.Series(c, index=index, copy=False) for i, c in enumerate(columns)},
                             index=index)
        frame.columns = names
        return frame


def _expect(value, kind):
    if type(value) is not kind:
        raise CodecError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _plain_dtype(text: str) -> np.dtype:
    try:
        dtype = np.dtype(text)
    except TypeError as exc:
        raise CodecError(f"bad dtype {text!r}") from exc
    if dtype.kind not in _RAW_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise CodecError(f"dtype {text!r} is not plain data")
    return dtype


def _extension_dtype(name: str):
    try:
        dtype = pd.api.types.pandas_dtype(name)
    except (TypeError, ValueError) as exc:
        raise CodecError(f"unknown dtype {name!r}") from exc
    if isinstance(dtype, np.dtype) and dtype.kind not in _RAW_KINDS + "O":
        raise CodecError(f"dtype {name!r} is not plain data")
    return dtype


def _parse_float(text: str) -> float:
    if text in ("nan", "inf", "-inf"):
        return float(text)
    value = float(text)
    if not math.isfinite(value):
        raise CodecError("bad float")
    return value


def _timestamp(fields, data, depth):
    value, unit, tz = _expect(fields, list)
    stamp = pd.Timestamp(int(_expect(value, str)), unit="ns", tz="UTC" if tz is not None else None)
    if tz is not None:
        stamp = stamp.tz_convert(_expect(tz, str))
    return stamp.as_unit(_expect(unit, str))


def _timedelta(fields, data, depth):
    value, unit = _expect(fields, list)
    return pd.Timedelta(int(_expect(value, str)), unit="ns").as_unit(_expect(unit, str))


def _numpy_scalar(fields, data, depth):
    dtype_str, raw = _expect(fields, list)
    dtype = _plain_dtype(_expect(dtype_str, str))
    buffer = base64.b64decode(_expect(raw, str), validate=True)
    if len(buffer) != dtype.itemsize:
        raise CodecError("scalar size does not match its dtype")
    return np.frombuffer(buffer, dtype=dtype)[0]


_DECODERS = {
    "s": lambda self, v, d, depth: _expect(v, str),
    "i": lambda self, v, d, depth: int(_expect(v, str)),
    "f": lambda self, v, d, depth: _parse_float(_expect(v, str)),
    "l": lambda self, v, d, depth: self._list(v, depth),
    "t": lambda self, v, d, depth: tuple(self._list(v, depth)),
    "set": lambda self, v, d, depth: set(self._list(v, depth)),
    "fset": lambda self, v, d, depth: frozenset(self._list(v, depth)),
    "d": lambda self, v, d, depth: {self.decode(_expect(p, list)[0], depth): self.decode(p[1], depth)
                                    for p in _expect(v, list) if len(p) == 2},
    "np": lambda self, v, d, depth: _numpy_scalar(v, d, depth),
    "ts": lambda self, v, d, depth: _timestamp(v, d, depth),
    "td": lambda self, v, d, depth: _timedelta(v, d, depth),
    "nat": lambda self, v, d, depth: pd.NaT,
    "na": lambda self, v, d, depth: pd.NA,
    "dt": lambda self, v, d, depth: _dt.datetime.fromisoformat(_expect(v, str)),
    "date": lambda self, v, d, depth: _dt.date.fromisoformat(_expect(v, str)),
    "pytd": lambda self, v, d, depth: _dt.timedelta(*(_expect(x, int) for x in _expect(v, list))),
    "b": lambda self, v, d, depth: base64.b64decode(_expect(v, str), validate=True),
    "df": lambda self, v, d, depth: self.frame(v, depth),
    "series": lambda self, v, d, depth: self.series(v, depth),
    "index": lambda self, v, d, depth: self.index(v, depth),
    "nd": lambda self, v, d, depth: self.array(v, depth),
    "h": lambda self, v, d, depth: self._handle(v, d, depth),
    "mod": lambda self, v, d, depth: self._module(v, d, depth),
    "ref": lambda self, v, d, depth: self._reference(v, d, depth),
}
