"""Snippet templates: Jinja2 in its sandbox, strict, and cut down to what a reply text needs.

A snippet body is hostile input (anyone with the lead role writes one, and it is rendered with
customer data), so three fences stand between it and anything it was not given:

1. **A whitelist of the template's syntax tree.** A body may hold text, placeholders
   (`{{ merchant_name }}`), a few filters (`default`, `upper`, `lower`, `title`, `capitalize`,
   `trim`) with constant arguments, and `{% if %}` / `{% else %}` on placeholders. Anything else
   is refused when the snippet is saved and again when it is rendered, with what was found:
   attribute or item access (`''.__class__`, `x['__globals__']`), calls (`range(10**9)`),
   loops, `{% set %}`, macros, includes, imports. Without loops or calls, a body cannot run
   long, and its output is at most its own text plus the values it was given.
2. **`SandboxedEnvironment`**, so that, were the whitelist ever wrong, unsafe attributes would
   still raise SecurityError.
3. **`StrictUndefined`**: a name nobody gave raises instead of rendering as nothing.

Rendering is strict too: an unknown placeholder, or a known one that is empty for this merchant
and has no fallback (`{{ owner_first_name | default("there") }}`), refuses to render and names
it, so nothing half-filled ("Hi ,") is shown as ready to send.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from . import wording as messages

__all__ = [
    "ALLOWED_FILTERS",
    "MAX_BODY",
    "MAX_OUTPUT",
    "SnippetTemplate",
    "TemplateRefused",
    "compile_snippet",
]

#: The longest body a snippet may have, and the longest text one may render to.
MAX_BODY = 4000
MAX_OUTPUT = 6000
MAX_CONSTANT = 200
ALLOWED_FILTERS = frozenset({"default", "upper", "lower", "title", "capitalize", "trim"})
#: Statements and expressions a body may hold (everything else is refused by name).
_ALLOWED_NODES = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Filter,
    nodes.If,
    nodes.Not,
    nodes.And,
    nodes.Or,
)
#: What a refused node is called in the message.
_NODE_NAMES: dict[type[nodes.Node], str] = {
    nodes.Getattr: "attribute access (a dot after a name)",
    nodes.Getitem: "item access (square brackets)",
    nodes.Call: "a function call",
    nodes.For: "a loop ({% for %})",
    nodes.Macro: "a macro",
    nodes.CallBlock: "a call block",
    nodes.Assign: "{% set %}",
    nodes.AssignBlock: "{% set %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.With: "{% with %}",
    nodes.FilterBlock: "a filter block",
}


class TemplateRefused(ValueError):
    """The body cannot be used (or cannot be rendered now): `str()` says why, naming what.
    `missing` names the values the agent still has to give, when that is why."""

    def __init__(self, message: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.missing = missing


def _default(value: Any, fallback: str = "") -> Any:
    """`{{ x | default("there") }}`: the fallback when `x` is missing *or empty*."""
    if isinstance(value, StrictUndefined) or value is None or value == "":
        return fallback
    return value


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, auto_reload=False)
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS if name in env.filters}
    env.filters["default"] = _default
    env.globals = {}  # no range, dict, lipsum, cycler, joiner, namespace
    env.tests = {}
    return env


_ENV = _environment()


@dataclass(frozen=True)
class _Use:
    """How a body uses one name: plainly (`needs` a value) or only with a fallback or as a
    condition (may be empty)."""

    name: str
    needs_value: bool


#: Names Jinja gives a meaning of its own inside a template: never placeholders.
_JINJA_NAMES = frozenset(
    {
        "self",
        "loop",
        "caller",
        "varargs",
        "kwargs",
        "super",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
    }
)


def _walk(
    node: nodes.Node, *, guarded: bool = False, tested: frozenset[str] = frozenset()
) -> Iterator[_Use]:
    """Every name `node` uses; `guarded`: under a fallback or a condition; `tested`: names an
    enclosing `{% if %}` checked are non-empty (`{% if plan %}{{ plan }}{% endif %}`)."""
    if not isinstance(node, _ALLOWED_NODES):
        what = _NODE_NAMES.get(type(node), type(node).__name__)
        raise TemplateRefused(messages.template_construct_refused(what, node.lineno))
    if isinstance(node, nodes.Name):
        if node.ctx != "load":
            raise TemplateRefused(messages.template_construct_refused("{% set %}", node.lineno))
        if node.name.startswith("_") or node.name in _JINJA_NAMES:
            raise TemplateRefused(messages.template_private_name(node.name))
        yield _Use(node.name, not guarded and node.name not in tested)
        return
    if isinstance(node, nodes.Const):
        if not isinstance(node.value, str | int | float | None):
            raise TemplateRefused(messages.template_construct_refused("a constant", node.lineno))
        if isinstance(node.value, str) and len(node.value) > MAX_CONSTANT:
            raise TemplateRefused(messages.template_constant_too_long(MAX_CONSTANT))
        return
    if isinstance(node, nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            raise TemplateRefused(messages.template_filter_refused(node.name, ALLOWED_FILTERS))
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise TemplateRefused(messages.template_filter_arguments(node.name))
        for argument in node.args:
            if not isinstance(argument, nodes.Const):
                raise TemplateRefused(messages.template_filter_arguments(node.name))
            yield from _walk(argument)
        if node.node is not None:
            yield from _walk(node.node, guarded=guarded or node.name == "default", tested=tested)
        return
    if isinstance(node, nodes.If):
        test = list(_walk(node.test, guarded=True))
        yield from test
        # A plain `{% if name %}` (no `not`, no `or`) proves `name` non-empty in its body.
        proven = tested | ({node.test.name} if isinstance(node.test, nodes.Name) else set())
        for child in node.body:
            yield from _walk(child, guarded=guarded, tested=frozenset(proven))
        for child in (*node.elif_, *node.else_):
            yield from _walk(child, guarded=guarded, tested=tested)
        return
    for child in node.iter_child_nodes():
        yield from _walk(child, guarded=guarded, tested=tested)


@dataclass(frozen=True)
class SnippetTemplate:
    """A checked body: the names it needs a value for and those it may go without."""

    body: str
    needs: frozenset[str]
    optional: frozenset[str] = field(default_factory=frozenset)

    @property
    def names(self) -> frozenset[str]:
        """Every name the body uses."""
        return self.needs | self.optional

    @cached_property
    def _template(self) -> Template:
        """The body compiled by the sandbox, once per checked body (see `compile_snippet`)."""
        return _ENV.from_string(self.body)

    def check_names(self, known: frozenset[str]) -> None:
        """Refuse names that are neither placeholders nor values the snippet asks for."""
        unknown = sorted(self.names - known)
        if unknown:
            raise TemplateRefused(messages.unknown_placeholders(unknown, known))

    def render(self, values: Mapping[str, str | None]) -> str:
        """The text, filled from `values` (placeholder → value, None or "" when this merchant
        has none). Raises TemplateRefused naming the first unknown or empty placeholder."""
        missing_names = sorted(self.names - set(values))
        if missing_names:
            raise TemplateRefused(messages.unknown_placeholders(missing_names, frozenset(values)))
        empty = sorted(name for name in self.needs if not values.get(name))
        if empty:
            raise TemplateRefused(messages.empty_placeholders(empty))
        context = {name: values.get(name) or "" for name in self.names}
        try:
            text = self._template.render(context)
        except (UndefinedError, SecurityError, TypeError, ValueError) as error:
            raise TemplateRefused(messages.template_failed(str(error))) from None
        if len(text) > MAX_OUTPUT:
            raise TemplateRefused(messages.template_output_too_long(len(text), MAX_OUTPUT))
        return text


@lru_cache(maxsize=1024)
def compile_snippet(body: str) -> SnippetTemplate:
    """Check `body` and say which names it uses; TemplateRefused says what is wrong and where.

    A body that passes is checked once: the library's few hundred bodies are rendered again and
    again, and each start checks the seed file's. A refused body raises every time."""
    if not body.strip():
        raise TemplateRefused(messages.empty_body())
    if len(body) > MAX_BODY:
        raise TemplateRefused(messages.body_too_long(len(body), MAX_BODY))
    try:
        tree = _ENV.parse(body)
    except TemplateSyntaxError as error:
        raise TemplateRefused(messages.template_syntax(error.message or "", error.lineno)) from None
    needs: set[str] = set()
    optional: set[str] = set()
    for use in _walk(tree):
        (needs if use.needs_value else optional).add(use.name)
    return SnippetTemplate(body, frozenset(needs), frozenset(optional - needs))
