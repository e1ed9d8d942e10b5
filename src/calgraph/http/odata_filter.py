"""$filter and $orderby expressions -> calgraph.core.query AST (own tokenizer, recursive descent, no eval).

Precedence: or < and < not < comparison < primary. Error wording follows ODataLib, which Graph surfaces
with code BadRequest ("Syntax error: character '(' is not valid at position 10 in '...'.", "Invalid
filter clause"); positions are 0-based offsets into the decoded expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, NoReturn, Union

from calgraph.core.errors import BadRequest, GraphError
from calgraph.core import extended_properties
from calgraph.core.query import Any_, And, Call, Compare, Filter, Not, Or, OrderBy, Prop, PropertyAny, Value


class ParseUriError(GraphError):
    """An unknown property in $select / $filter / $orderby / $expand (Graph's request broker)."""

    status, code = 400, "RequestBroker--ParseUri"

    def __init__(self, name: str, type_name: str) -> None:
        super().__init__(f"Could not find a property named '{name}' on type '{type_name}'.")


class FilterTooComplex(GraphError):
    status, code, message = 400, "ErrorQueryFilterTooLong", "The filter expression is too long or too deeply nested."


INVALID_FILTER = "Invalid filter clause"
MAX_DEPTH = 50
MAX_TERMS = 200

_FUNCS = ("startswith", "endswith", "contains")
_CMP_OPS = ("eq", "ne", "gt", "ge", "lt", "le")
_FLIP = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
_KIND = {"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual",
         "lt": "LessThan", "le": "LessThanOrEqual"}
_EDM = {str: "Edm.String", bool: "Edm.Boolean", int: "Edm.Int64", float: "Edm.Double", list: "Collection(Edm.String)"}

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)(?![\w.:-])
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])
  | (?P<ident>[A-Za-z_][\w.]*(?:/[A-Za-z_][\w.]*)*)
  | (?P<punct>[(),:])
""", re.VERBOSE)


@dataclass(frozen=True)
class _Tok:
    kind: str  # string datetime number ident ( ) , : end
    text: str
    pos: int


@dataclass(frozen=True)
class _Ref:
    path: str  # canonical property path (the collection's for a lambda variable)
    pos: int
    is_var: bool = False


@dataclass(frozen=True)
class _Lit:
    value: str | int | float | bool | None
    edm: str | None  # None for null
    pos: int


_Node = Union[_Ref, _Lit, Compare, Call, Any_, And, Or, Not, Prop]


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] == "'":
                raise BadRequest(f"There is an unterminated string literal at position {pos} in '{text}'.")
            raise BadRequest(f"Syntax error: character '{text[pos]}' is not valid at position {pos} in '{text}'.")
        kind = m.lastgroup or ""
        if kind != "ws":
            toks.append(_Tok(m.group() if kind == "punct" else kind, m.group(), pos))
        pos = m.end()
    toks.append(_Tok("end", "", len(text)))
    return toks


class PropertyResolver:
    """Case-insensitive lookup of property paths; unknown names give Graph's errors."""

    def __init__(self, properties: dict[str, type], selectable: Iterable[str] = (),
                 type_name: str = "microsoft.graph.event") -> None:
        self.properties = properties
        self.type_name = type_name
        self._canon = {p.lower(): p for p in properties}
        self._known = {s.lower() for s in selectable} | {p.split("/")[0].lower() for p in properties}

    def resolve(self, path: str, unfilterable_message: str = INVALID_FILTER) -> str:
        canon = self._canon.get(path.lower())
        if canon is not None:
            return canon
        first = path.split("/")[0]
        if first.lower() in self._known:
            raise BadRequest(unfilterable_message)
        raise ParseUriError(first, self.type_name)


class _FilterParser:
    def __init__(self, text: str, resolver: PropertyResolver) -> None:
        self.text = text
        self.r = resolver
        self.toks = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.terms = 0
        self.var: tuple[str, str] | None = None  # (lambda variable, collection path)

    # -- helpers -----------------------------------------------------------------------------------
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _next(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def _kw(self, *words: str) -> str | None:
        t = self.tok
        if t.kind == "ident" and t.text.lower() in words:
            self.i += 1
            return t.text.lower()
        return None

    def _fail(self, what: str, pos: int) -> NoReturn:
        raise BadRequest(f"{what} at position {pos} in '{self.text}'.")

    def _expect(self, kind: str, what: str) -> _Tok:
        if self.tok.kind != kind:
            self._fail(what, self.tok.pos)
        return self._next()

    def _as_filter(self, node: _Node) -> Filter:
        if isinstance(node, _Ref):
            if not node.is_var and self.r.properties[node.path] is bool:
                return Prop(node.path)
            raise BadRequest("The $filter expression must evaluate to a single boolean value."
                             if not node.is_var else INVALID_FILTER)
        if isinstance(node, _Lit):
            raise BadRequest(INVALID_FILTER if node.edm == "Edm.Boolean"
                             else "The $filter expression must evaluate to a single boolean value.")
        return node

    # -- grammar -----------------------------------------------------------------------------------
    def parse(self) -> Filter:
        node = self._or()
        if self.tok.kind != "end":
            self._fail("Syntax error", self.tok.pos)
        return self._as_filter(node)

    def _or(self) -> _Node:
        left = self._and()
        while self._kw("or"):
            left = Or(self._as_filter(left), self._as_filter(self._and()))
        return left

    def _and(self) -> _Node:
        left = self._unary()
        while self._kw("and"):
            left = And(self._as_filter(left), self._as_filter(self._unary()))
        return left

    def _unary(self) -> _Node:
        if self._kw("not"):
            self._enter()
            node: _Node = Not(self._as_filter(self._unary()))
            self.depth -= 1
            return node
        return self._comparison()

    def _comparison(self) -> _Node:
        left = self._primary()
        op_tok = self.tok
        op = self._kw(*_CMP_OPS)
        if op is None:
            return left
        self._term()
        return self._compare(left, op, self._primary(), op_tok.pos)

    def _term(self) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise FilterTooComplex()

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FilterTooComplex()

    def _primary(self) -> _Node:
        t = self._next()
        if t.kind == "(":
            self._enter()
            node = self._or()
            self._expect(")", "')' or operator expected")
            self.depth -= 1
            return node
        if t.kind == "string":
            return _Lit(t.text[1:-1].replace("''", "'"), "Edm.String", t.pos)
        if t.kind == "datetime":
            return _Lit(t.text, "Edm.DateTimeOffset" if "T" in t.text else "Edm.Date", t.pos)
        if t.kind == "number":
            if re.fullmatch(r"-?\d+", t.text):
                return _Lit(int(t.text), "Edm.Int64", t.pos)
            return _Lit(float(t.text), "Edm.Double", t.pos)
        if t.kind == "ident":
            word = t.text.lower()
            if word in ("true", "false"):
                return _Lit(word == "true", "Edm.Boolean", t.pos)
            if word == "null":
                return _Lit(None, None, t.pos)
            if self.tok.kind == "(":
                self.i += 1
                if "/" in t.text and t.text.rsplit("/", 1)[1].lower() in ("any", "all"):
                    return self._lambda(t)
                return self._call(t)
            return self._ref(t)
        self._fail("Expression expected", t.pos)

    def _ref(self, t: _Tok) -> _Ref:
        if self.var is not None:
            head = t.text.split("/")[0]
            if head.lower() == self.var[0].lower():
                if "/" in t.text:
                    member = t.text.split("/", 1)[1].lower()
                    if self.r.properties[self.var[1]] is dict and member in ("id", "value"):
                        return _Ref(f"{self.var[1]}/{member}", t.pos, is_var=True)  # an extended property's
                    raise BadRequest(INVALID_FILTER)
                return _Ref(self.var[1], t.pos, is_var=True)
        return _Ref(self.r.resolve(t.text), t.pos)

    def _call(self, name: _Tok) -> Call:
        func = name.text.lower()
        if func not in _FUNCS:
            raise BadRequest(
                f"An unknown function with name '{name.text}' was found. This may also be a function import "
                "or a key lookup on a navigation property, which is not allowed.")
        self._enter()
        args = [self._or()]
        while self.tok.kind == ",":
            self.i += 1
            args.append(self._or())
        self._expect(")", "')' or ',' expected")
        self.depth -= 1
        if args and isinstance(args[0], _Ref) and args[0].is_var:
            raise BadRequest(INVALID_FILTER)
        if (len(args) != 2 or not isinstance(args[0], _Ref)
                or self.r.properties[args[0].path] is not str
                or not isinstance(args[1], _Lit) or args[1].edm != "Edm.String"):
            raise BadRequest(
                f"No function signature for the function with name '{func}' matches the specified arguments. "
                f"The function signatures considered are: {func}(Edm.String Nullable=true, Edm.String Nullable=true).")
        self._term()
        return Call(func, Prop(args[0].path), Value(args[1].value))  # type: ignore[arg-type]

    def _lambda(self, t: _Tok) -> Filter:
        coll_text, kind = t.text.rsplit("/", 1)
        coll = self.r.resolve(coll_text)
        if kind.lower() != "any" or self.r.properties[coll] not in (list, dict) or self.var is not None:
            raise BadRequest(INVALID_FILTER)
        if self.tok.kind == ")":  # any() without a predicate
            raise BadRequest(INVALID_FILTER)
        var = self._expect("ident", "Syntax error")
        if "/" in var.text:
            self._fail("Syntax error", var.pos)
        self._expect(":", "Syntax error")
        self.var = (var.text, coll)
        self._enter()
        body = self._or()
        self._expect(")", "')' or operator expected")
        self.depth -= 1
        self.var = None
        if self.r.properties[coll] is dict:
            return _property_any(coll, body)
        if not _only_any(body):
            raise BadRequest(INVALID_FILTER)
        return body  # type: ignore[return-value]

    def _compare(self, left: _Node, op: str, right: _Node, pos: int) -> Filter:
        # a boolean expression compared with true/false: startswith(subject,'a') eq false
        for expr, other in ((left, right), (right, left)):
            if not isinstance(expr, (_Ref, _Lit)):
                if isinstance(other, _Lit) and other.edm == "Edm.Boolean" and op in ("eq", "ne"):
                    return expr if (op == "eq") == other.value else Not(expr)
                raise BadRequest(INVALID_FILTER)
        if isinstance(left, _Ref) and isinstance(right, _Lit):
            ref, lit = left, right
        elif isinstance(left, _Lit) and isinstance(right, _Ref):
            ref, lit, op = right, left, _FLIP[op]
        else:
            raise BadRequest(INVALID_FILTER)
        if ref.is_var:
            if (op not in ("eq", "ne") and not ref.path.endswith("/value")) or lit.edm not in ("Edm.String", None):
                raise BadRequest(INVALID_FILTER)
            return Any_(Prop(ref.path), op, Value(lit.value))  # type: ignore[arg-type]
        ptype = self.r.properties[ref.path]
        if ptype is list:
            raise BadRequest(INVALID_FILTER)
        if not _compatible(ptype, lit.edm):
            raise BadRequest(
                "A binary operator with incompatible types was detected. Found operand types "
                f"'{_EDM.get(ptype, 'Edm.String')}' and '{lit.edm}' for operator kind '{_KIND[op]}'.")
        return Compare(op, Prop(ref.path), Value(lit.value))  # type: ignore[arg-type]


def _compatible(ptype: type, edm: str | None) -> bool:
    if edm is None:
        return True
    if ptype is str:
        return edm in ("Edm.String", "Edm.DateTimeOffset", "Edm.Date")
    if ptype is bool:
        return edm == "Edm.Boolean"
    if ptype in (int, float):
        return edm in ("Edm.Int64", "Edm.Double")
    return False


def _property_any(coll: str, body: object) -> PropertyAny:
    """`p/id eq 'id' [and p/value op 'v']` (either order) on an extended property collection."""
    terms = [body.left, body.right] if isinstance(body, And) else [body]
    by_member = {}
    for term in terms:
        if not isinstance(term, Any_) or "/" not in term.prop.path:
            raise BadRequest(INVALID_FILTER)
        by_member.setdefault(term.prop.path.rsplit("/", 1)[1], term)
    id_term, value_term = by_member.get("id"), by_member.get("value")
    if (id_term is None or id_term.op != "eq" or len(by_member) != len(terms)
            or not isinstance(id_term.value.value, str)):
        raise BadRequest(INVALID_FILTER)
    property_id = extended_properties.canonical_id(id_term.value.value)
    if value_term is None:
        return PropertyAny(Prop(coll), property_id)
    return PropertyAny(Prop(coll), property_id, value_term.op, value_term.value)


def _only_any(node: object) -> bool:
    if isinstance(node, Or):
        return _only_any(node.left) and _only_any(node.right)
    return isinstance(node, Any_)


def parse_filter(text: str, resolver: PropertyResolver) -> Filter | None:
    """Parse a decoded $filter value; blank means no filter."""
    if not text.strip():
        return None
    return _FilterParser(text, resolver).parse()


def parse_orderby(text: str, resolver: PropertyResolver) -> tuple[OrderBy, ...]:
    """`path [asc|desc], ...`; blank means no ordering."""
    if not text.strip():
        return ()
    out: list[OrderBy] = []
    pos = 0
    for item in text.split(","):
        words = [(m.group(), pos + m.start()) for m in re.finditer(r"\S+", item)]
        if not words:
            raise BadRequest(f"Expression expected at position {pos + len(item)} in '{text}'.")
        if len(words) > 2:
            raise BadRequest(f"Syntax error at position {words[2][1]} in '{text}'.")
        if len(words) == 2 and words[1][0].lower() not in ("asc", "desc"):
            raise BadRequest(f"Syntax error at position {words[1][1]} in '{text}'.")
        if not re.fullmatch(r"[A-Za-z_][\w.]*(?:/[A-Za-z_][\w.]*)*", words[0][0]):
            raise BadRequest(f"Syntax error at position {words[0][1]} in '{text}'.")
        unsortable = "The $orderby expression must evaluate to a single value of primitive type."
        path = resolver.resolve(words[0][0], unsortable)
        if resolver.properties[path] in (list, dict):
            raise BadRequest(unsortable)
        out.append(OrderBy(path, len(words) == 2 and words[1][0].lower() == "desc"))
        pos += len(item) + 1
    return tuple(out)
