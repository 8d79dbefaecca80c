"""Coordinators' templates rendered within a budget of work, time and size.

Jinja's sandbox stops a template reaching Python's internals, not one that works forever: three
nested ``range(100000)`` loops fit in 121 characters and would pin the shared server's CPU for
every library. Here each render has a budget of steps (every loop turn, every call, every filter),
a wall-clock limit checked as the steps are counted, a bound on every number a call or an
operator may be given, and a bound on every text it makes and on its output. Going past any of
them stops the render with ``TemplateTooCostly``, a TemplateError saying which bound it hit.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from typing import Any, Callable, Iterable, Iterator

from jinja2 import TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_STEPS = 20_000          # loop turns, calls and filters in one render
MAX_SECONDS = 1.0           # one render's wall-clock time
MAX_TEXT = 20_000           # characters of any text made along the way, and of the output
MAX_ITEMS = 1_000           # items of any list made along the way, and of range()
MAX_NUMBER = 500            # any number given to a call, a filter, '*' or '**'
_CHECK_CLOCK_EVERY = 256
_FORMAT_WIDTH = re.compile(r"%[-+ #0]*(\d+)|\{[^{}]*:[^{}]*?(\d+)[^{}]*\}")


class TemplateTooCostly(TemplateError):
    """A render stopped at one of its bounds."""


class _Budget:
    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def step(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > MAX_STEPS:
            raise TemplateTooCostly(f"the template does too much work (over {MAX_STEPS} steps); "
                                    "loop over the member's loans, not over ranges of numbers")
        if self.steps % _CHECK_CLOCK_EVERY == 0 and time.monotonic() > self.deadline:
            raise TemplateTooCostly(f"the template took over {MAX_SECONDS:g} s to fill in")


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("template_budget", default=None)


def _spend(n: int = 1) -> None:
    budget = _budget.get()
    if budget is None:
        raise TemplateTooCostly("templates are only filled in through render()")
    budget.step(n)


def _check_value(value: Any) -> Any:
    """Refuses a value a render made that is too large to keep."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise TemplateTooCostly(f"the template makes a text longer than {MAX_TEXT} characters")
    if isinstance(value, (list, tuple, dict, set)) and len(value) > MAX_ITEMS:
        raise TemplateTooCostly(f"the template makes a list of more than {MAX_ITEMS} items")
    return value


def _check_arguments(args: Iterable[Any]) -> None:
    for arg in args:
        if isinstance(arg, bool):
            continue
        if isinstance(arg, int) and abs(arg) > MAX_NUMBER:
            raise TemplateTooCostly(f"numbers in a template are limited to {MAX_NUMBER}, not {arg}")
        if isinstance(arg, float) and abs(arg) > MAX_NUMBER:
            raise TemplateTooCostly(f"numbers in a template are limited to {MAX_NUMBER}, not {arg:g}")
        if isinstance(arg, str):
            for match in _FORMAT_WIDTH.finditer(arg):
                width = int(match.group(1) or match.group(2))
                if width > MAX_NUMBER:
                    raise TemplateTooCostly(f"a width of {width} in a template is over {MAX_NUMBER}")


def _check_replace(text: Any, old: Any, new: Any) -> None:
    """'replace' can multiply a text's length by another's: measured before it runs."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        grows = (text.count(old) if old else len(text) + 1) * max(0, len(new) - len(old))
        if len(text) + grows > MAX_TEXT:
            raise TemplateTooCostly(f"the template makes a text longer than {MAX_TEXT} characters")


def _check_growth(op: str, left: Any, right: Any) -> None:
    """'*' on a text or a list, and 'indent', make their result at once: measured before they run."""
    if op == "*" and isinstance(right, int) and isinstance(left, (str, list, tuple)):
        left, right = right, left
    if op == "*" and isinstance(left, int) and isinstance(right, (str, list, tuple)):
        if left * len(right) > (MAX_TEXT if isinstance(right, str) else MAX_ITEMS):
            raise TemplateTooCostly("the template repeats a text or a list past its bounds")
    if op == "indent" and isinstance(left, str) and isinstance(right, int):
        if len(left) + (left.count("\n") + 1) * right > MAX_TEXT:
            raise TemplateTooCostly(f"the template makes a text longer than {MAX_TEXT} characters")


def _concat(*parts: Any) -> str:
    """Jinja's '~': the joined text is measured before it is made."""
    texts = [str(p) for p in parts]
    if sum(map(len, texts)) > MAX_TEXT:
        raise TemplateTooCostly(f"the template makes a text longer than {MAX_TEXT} characters")
    return "".join(texts)


def _bounded_range(*args: int) -> range:
    _check_arguments(args)
    numbers = range(*args)
    if len(numbers) > MAX_ITEMS:
        raise TemplateTooCostly(f"range() in a template gives at most {MAX_ITEMS} numbers")
    return numbers


def _steps(iterable: Any) -> Iterator[Any]:
    """Every loop turn costs a step: a loop nested in a loop runs out of budget, not forever."""
    for item in iterable:
        _spend()
        yield item


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps Jinja's pass_environment / pass_context marks
    def run(*args: Any, **kwargs: Any) -> Any:
        _spend()
        _check_arguments([*args, *kwargs.values()])
        values = [a for a in args if isinstance(a, (str, int))]
        if name == "replace" and len(values) >= 3:
            _check_replace(*values[-3:])
        if name == "indent" and values:
            width = kwargs.get("width", values[1] if len(values) > 1 else 4)
            _check_growth("indent", values[0], width if isinstance(width, int) else 4)
        return _check_value(func(*args, **kwargs))

    return run


class _CountLoops(NodeTransformer):
    """Every loop's items pass through _steps, and every '~' through _concat."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name("_steps", "load"), [node.iter], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.Name("_concat", "load"), node.nodes, [], None, None, lineno=node.lineno)


class BoundedEnvironment(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals = {name: value for name, value in self.globals.items() if name not in ("lipsum", "range")}
        self.globals.update(range=_bounded_range, _steps=_steps, _concat=_concat)
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's names)
        _spend()
        if __obj not in (_steps, _concat):
            # a method of a text (the sandbox wraps str.format): its text may be a format too
            owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
            _check_arguments([*args, *kwargs.values(), *([owner] if isinstance(owner, str) else [])])
            if getattr(__obj, "__name__", "") == "replace" and isinstance(owner, str):
                _check_replace(owner, *args[:2])
        return _check_value(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        _spend()
        if op in ("*", "**"):
            _check_arguments([left, right])
            _check_growth(op, left, right)
        elif op == "%":
            _check_arguments([left])
        return _check_value(super().call_binop(context, op, left, right))

    def from_string(self, source: str, globals: Any = None, template_class: Any = None) -> Any:  # noqa: A002
        tree = _CountLoops().visit(self.parse(source))
        cls = template_class or self.template_class
        return cls.from_code(self, self.compile(tree), self.make_globals(globals), None)


def render(environment: BoundedEnvironment, source: str, context: dict[str, Any]) -> str:
    """``source`` filled in with ``context``, or TemplateTooCostly when it goes past a bound."""
    token = _budget.set(_Budget())
    try:
        template = environment.from_string(source)
        out, size = [], 0
        for piece in template.generate(context):
            size += len(piece)
            if size > MAX_TEXT:
                raise TemplateTooCostly(f"the template's text is longer than {MAX_TEXT} characters")
            out.append(piece)
            _spend()
        return "".join(out)
    except RecursionError:
        raise TemplateTooCostly("the template calls itself too deeply") from None
    except (MemoryError, OverflowError) as exc:
        raise TemplateTooCostly(f"the template asks for too much: {exc.__class__.__name__}") from None
    finally:
        _budget.reset(token)


__all__ = ["BoundedEnvironment", "TemplateTooCostly", "render"]
