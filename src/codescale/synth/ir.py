"""The intermediate representation of a synthetic program.

Small and typed on purpose: every node has one meaning in all seven languages. Integer semantics
are made explicit where languages differ: ``Mod`` is the non-negative remainder (Python's ``%``;
``((a % m) + m) % m`` elsewhere), ``Div`` is floor division of non-negative operands, and the
generator keeps every value below 2**31 so JavaScript's doubles stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INT, STR, BOOL, LIST, MAP = "int", "str", "bool", "list", "map"   # list = list of int; map = str -> int
TYPES = (INT, STR, BOOL, LIST, MAP)


class Expr:
    type: str


@dataclass(frozen=True)
class Int(Expr):
    value: int
    type: str = INT


@dataclass(frozen=True)
class Str(Expr):
    value: str          # ASCII letters, digits and spaces only
    type: str = STR


@dataclass(frozen=True)
class Var(Expr):
    name: str
    type: str


@dataclass(frozen=True)
class Bin(Expr):
    op: str             # + - *
    left: Expr
    right: Expr
    type: str = INT


@dataclass(frozen=True)
class Mod(Expr):
    value: Expr
    modulus: int | Expr  # > 0 (a literal, or a variable positive by construction); result in [0, modulus)
    type: str = INT


@dataclass(frozen=True)
class Div(Expr):
    value: Expr         # >= 0
    divisor: int        # > 0
    type: str = INT


@dataclass(frozen=True)
class Cmp(Expr):
    op: str             # < <= > >= == !=
    left: Expr
    right: Expr
    type: str = BOOL


@dataclass(frozen=True)
class Logic(Expr):
    op: str             # and or
    left: Expr
    right: Expr
    type: str = BOOL



@dataclass(frozen=True)
class Len(Expr):
    value: Expr         # list or str
    type: str = INT



@dataclass(frozen=True)
class CharAt(Expr):
    value: Expr         # str; index in range
    index: Expr
    type: str = STR


@dataclass(frozen=True)
class Concat(Expr):
    left: Expr
    right: Expr
    type: str = STR


@dataclass(frozen=True)
class ToStr(Expr):
    value: Expr         # int
    type: str = STR


@dataclass(frozen=True)
class ListLit(Expr):
    values: tuple[int, ...]
    type: str = LIST



@dataclass(frozen=True)
class Cond(Expr):
    cond: Expr
    then: Expr
    other: Expr

    @property
    def type(self) -> str:  # type: ignore[override]
        return self.then.type


@dataclass(frozen=True)
class Call(Expr):
    function: str
    args: tuple[Expr, ...]
    type: str


class Stmt:
    pass


@dataclass(frozen=True)
class Let(Stmt):
    name: str
    type: str
    value: Expr         # a fresh LIST/MAP variable starts from ListLit(()) / EmptyMap


@dataclass(frozen=True)
class EmptyMap(Expr):
    type: str = MAP


@dataclass(frozen=True)
class Assign(Stmt):
    name: str
    value: Expr


@dataclass(frozen=True)
class If(Stmt):
    cond: Expr
    then: tuple[Stmt, ...]
    other: tuple[Stmt, ...] = ()


@dataclass(frozen=True)
class ForRange(Stmt):
    var: str
    start: Expr
    stop: Expr          # exclusive
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class ForEach(Stmt):
    var: str
    items: Expr         # list
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class While(Stmt):
    cond: Expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True)
class Append(Stmt):
    list: str
    value: Expr


@dataclass(frozen=True)
class MapAdd(Stmt):
    map: str
    key: Expr
    delta: Expr


@dataclass(frozen=True)
class Return(Stmt):
    value: Expr


@dataclass(frozen=True)
class Print(Stmt):
    value: Expr         # int, str, bool, list or map; formatted identically in every language


@dataclass(frozen=True)
class Function:
    name: str
    params: tuple[tuple[str, str], ...]
    returns: str
    body: tuple[Stmt, ...]
    recursive: bool = False


@dataclass(frozen=True)
class Program:
    functions: tuple[Function, ...]
    main: tuple[Stmt, ...] = field(default=())

    def structure(self) -> str:
        """A name- and constant-free fingerprint of the program's shape (for diversity counts)."""
        return _shape(self)


def _shape(node) -> str:
    if isinstance(node, (int, str)) or node is None:
        return ""
    if isinstance(node, tuple):
        return ",".join(_shape(n) for n in node)
    if isinstance(node, Program):
        return "P(" + _shape(node.functions) + "|" + _shape(node.main) + ")"
    if isinstance(node, Function):
        return f"F{len(node.params)}:{node.returns}(" + _shape(node.body) + ")"
    parts = []
    for name, value in vars(node).items():
        if name in ("name", "var", "value", "function") and isinstance(value, str):
            continue
        if name == "op":
            parts.append(value)
        elif not isinstance(value, (int, str)):
            parts.append(_shape(value))
    return type(node).__name__ + "(" + ",".join(p for p in parts if p) + ")"
