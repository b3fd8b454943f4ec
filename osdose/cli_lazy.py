"""Start-up: typer builds only the command that runs, and reads its options without pydantic.

Two costs typer (≥ 0.29) puts on every run, whichever command it is:

- it builds every command of the app (each one's parameters from its signature, ~20 ms for
  osdose's 50-odd commands) before it knows which one was asked for. :func:`defer` moves the
  top-level commands and groups out of typer's sight; the app's group (:class:`LazyGroup`)
  builds each with typer's own functions the first time it is asked for it. ``--help`` asks
  for every one (it lists their one-line help), so it is built as before and prints the same.
- it converts each option's text with a pydantic ``TypeAdapter`` (importing pydantic, ~40 ms,
  and building an adapter per parameter). :func:`fast_options` gives the parameters osdose
  uses (text, whole and decimal numbers, paths, choices, lists of them) a converter that
  returns what typer's adapter returns for ordinary input, and hands anything else — every
  value it does not accept — to typer's own adapter, so every refusal and its message stay
  typer's. Parameters with a custom parser, ranges, dates, files or tuples always use typer's.

Older typer versions without these internals are left alone (both are idempotent).

And pydantic, which osdose runs with its plugins off (``PYDANTIC_DISABLE_PLUGINS``), imports
``importlib.metadata`` (~10 ms) to be able to look for plugins all the same:
:func:`no_plugin_search` answers "no plugins" in its place while they are off.
"""

from __future__ import annotations

import os
import re
import sys
import types
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

import typer

#: Command and group builders waiting in an app's group: name → what builds it.
Builder = Callable[[], Any]


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands by name, in typer's order, each built when first looked up."""

    def __init__(self, built: MutableMapping[str, Any], pending: dict[str, Builder]) -> None:
        self._entries: dict[str, Any] = dict(built)
        self._pending = dict(pending)
        for name in pending:
            self._entries.setdefault(name, None)

    def __getitem__(self, name: str) -> Any:
        builder = self._pending.pop(name, None)
        if builder is not None:
            self._entries[name] = builder()
        return self._entries[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._pending.pop(name, None)
        self._entries[name] = command

    def __delitem__(self, name: str) -> None:
        self._pending.pop(name, None)
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def built(self) -> list[str]:
        """The names built so far (tests: one run builds one command)."""
        return [n for n in self._entries if n not in self._pending]


def defer(app: typer.Typer) -> None:
    """Make ``app``'s top-level commands and groups (already registered) built on demand.

    typer would put them in its group in this order: commands, then groups, each in the order
    registered; the lazy group keeps it (``--help`` lists them in it)."""
    from typer import core
    from typer import main as typer_main

    needed = ("get_command_from_info", "get_group_from_info", "get_command_name")
    if not all(hasattr(typer_main, n) for n in needed) or not hasattr(core, "TyperGroup"):
        return  # pragma: no cover - another typer: it builds every command, as before
    if not app.registered_commands and not app.registered_groups:
        return
    pending: dict[str, Builder] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or typer_main.get_command_name(info.callback.__name__)
        pending[name] = partial(
            typer_main.get_command_from_info,
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    for group in app.registered_groups:
        assert isinstance(group.name, str) and group.name, "osdose names every group"
        pending[group.name] = partial(
            typer_main.get_group_from_info,
            group,
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
    app.registered_commands = []
    app.registered_groups = []
    base = core.TyperGroup

    def init(self: Any, *args: Any, commands: Any = None, **kwargs: Any) -> None:
        lazy: Any = LazyCommands(commands or {}, pending)  # typer keeps any mapping
        base.__init__(self, *args, commands=lazy, **kwargs)

    app.info.cls = type("LazyGroup", (base,), {"__init__": init, "__doc__": LazyCommands.__doc__})


# --- options without pydantic ---------------------------------------------------------------

#: Decimal text whose value pydantic and ``float()``/``int()`` read alike: plain digits, an
#: optional minus and fraction, no leading zero, no exponent, sign, space or underscore.
_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?")


class _Refer(Exception):
    """This value is typer's to convert (or to refuse, with its own message)."""


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    raise _Refer


def _flag(value: Any) -> bool:
    if type(value) is bool:
        return value
    raise _Refer


def _number(kind: type, pattern: re.Pattern[str], low: Any, high: Any, value: Any) -> Any:
    if type(value) is kind:
        out = value
    elif type(value) is str and pattern.fullmatch(value):
        out = kind(value)
    else:
        raise _Refer
    if (low is not None and out < low) or (high is not None and out > high):
        raise _Refer
    return out


def _choice(
    coerce: Callable[..., Any], choices: list[Any], case: bool, value: Any, ctx: Any
) -> Any:
    try:
        return coerce(value, choices=choices, case_sensitive=case, ctx=ctx)
    except Exception:
        raise _Refer from None


def _path(
    coerce: Callable[..., Any], info: Any, kind: type, value: Any, param: Any, ctx: Any
) -> Any:
    if type(value) is str and value and "\x00" not in value:
        value = kind(value)
    elif not isinstance(value, kind):
        raise _Refer
    try:
        return coerce(value, info, path_type=kind, param=param, ctx=ctx)
    except Exception:
        raise _Refer from None


def _leaf(annotation: Any, info: Any) -> Callable[[Any, Any, Any], Any] | None:
    """A converter ``(value, param, ctx) -> value`` for one value, doing what typer's
    ``build_leaf_adapter`` does for ordinary input; ``None`` for a kind left to typer."""
    from typer import _param_types as pt

    if info.parser is not None:
        return None
    if pt.lenient_issubclass(annotation, Enum):
        choices = list(annotation)
        return lambda v, p, c: _choice(pt.coerce_cli_choice, choices, info.case_sensitive, v, c)
    if annotation is int or annotation is float:
        if info.clamp:
            return None
        pattern = _INT if annotation is int else _DECIMAL
        return lambda v, p, c: _number(annotation, pattern, info.min, info.max, v)
    if annotation is str:
        return lambda v, p, c: _text(v)
    if annotation is bool:
        return lambda v, p, c: _flag(v)
    if pt.lenient_issubclass(annotation, Path) and pt.routes_to_path(annotation, info):
        kind = info.path_type or annotation
        if not pt.lenient_issubclass(kind, Path):
            return None
        return lambda v, p, c: _path(pt.coerce_cli_path, info, kind, v, p, c)
    return None


@dataclass(frozen=True)
class _Fast:
    """A parameter's conversion: ``leaf`` on each value, typer's own (built when first
    needed) for whatever ``leaf`` refers."""

    descriptor: Any
    leaf: Callable[[Any, Any, Any], Any]
    many: bool
    typer_build: Callable[[Any], Any]
    _typer: list[Any] = field(default_factory=list)

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        # typer's RuntimeParam.coerce, with ``leaf`` first
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        try:
            if not self.many:
                return self.leaf(value, param, ctx)
            if not isinstance(value, (list, tuple)):
                raise _Refer
            return [self.leaf(v, param, ctx) for v in value]
        except _Refer:
            if not self._typer:
                self._typer.append(self.typer_build(self.descriptor))
            return self._typer[0].coerce(value, param=param, ctx=ctx)


def fast_options() -> None:
    """Give typer's parameters of the kinds above the converter without pydantic."""
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - older typer converts with click types
        return
    if getattr(core, "_osdose_fast_options", False) or not hasattr(core, "build_runtime_param"):
        return
    typer_build = _coercion.build_runtime_param

    def build(descriptor: Any) -> Any:
        annotation = descriptor.annotation
        many = False
        if descriptor.file_annotation is None and getattr(annotation, "__origin__", None) is list:
            (annotation,) = annotation.__args__
            many = True
        leaf = (
            None
            if descriptor.file_annotation is not None
            else _leaf(annotation, descriptor.parameter_info)
        )
        if leaf is None:
            return typer_build(descriptor)
        return _Fast(descriptor, leaf, many, typer_build)

    core.build_runtime_param = build
    core._osdose_fast_options = True  # type: ignore[attr-defined]


# --- pydantic's plugin search ---------------------------------------------------------------

#: the values of PYDANTIC_DISABLE_PLUGINS with which pydantic loads no plugin at all
PLUGINS_OFF = ("__all__", "1", "true")
_LOADER = "pydantic.plugin._loader"


class _NoPlugins(types.ModuleType):
    """pydantic's plugin loader while plugins are off: :meth:`get_plugins` answers ``()``, as
    pydantic's own does then, without importing ``importlib.metadata``. Plugins turned on
    again, or any other name asked of the module, load pydantic's own in its place."""

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in PLUGINS_OFF:
            return ()
        return self.own().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like
            raise AttributeError(name)
        return getattr(self.own(), name)

    def own(self) -> types.ModuleType:
        """pydantic's own module, loaded in this one's place."""
        import importlib.machinery
        import importlib.util

        import pydantic.plugin

        spec = importlib.machinery.PathFinder.find_spec(_LOADER, pydantic.plugin.__path__)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_LOADER] = module
        spec.loader.exec_module(module)
        pydantic.plugin._loader = module  # type: ignore[attr-defined]
        return module


def no_plugin_search() -> None:
    """While pydantic's plugins are off, answer its plugin search without importing
    ``importlib.metadata`` (before pydantic's own loader is imported; otherwise nothing)."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in PLUGINS_OFF and _LOADER not in sys.modules:
        sys.modules[_LOADER] = _NoPlugins(_LOADER)
