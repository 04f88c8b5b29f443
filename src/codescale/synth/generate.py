"""Seeded random programs in the IR.

A program has two to four functions, each grown from one of several algorithmic skeletons (fold
over a range, list building, filtered reduction, string building, counting into a map, recursion,
a bounded while loop), with random operators, conditions, constants and names inside, and a
``main`` that calls each function on random literal arguments and prints the result. Every value
stays below 2**31 (accumulators are reduced modulo a prime), loops are bounded, and indexes are in
range by construction, so every rendering terminates with the same output.
"""

from __future__ import annotations

import random

from codescale.synth.ir import (
    INT,
    LIST,
    MAP,
    STR,
    Append,
    Assign,
    Bin,
    Call,
    CharAt,
    Cmp,
    Concat,
    Cond,
    Div,
    EmptyMap,
    ForEach,
    ForRange,
    Function,
    If,
    Int,
    Len,
    Let,
    ListLit,
    Logic,
    MapAdd,
    Mod,
    Print,
    Program,
    Return,
    Str,
    ToStr,
    Var,
    While,
)

MODULI = (97, 1000, 10007, 1000003)
NOUNS = ("value", "count", "total", "score", "level", "width", "offset", "weight", "limit", "step",
         "index", "amount", "size", "depth", "rank", "seed", "code", "mark")
VERBS = ("compute", "collect", "count", "build", "scan", "measure", "reduce", "gather", "score",
         "encode", "track", "fold", "merge", "shift")
WORDS = ("alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma", "lambda", "theta", "zeta")


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def fresh(self, pool=NOUNS, prefix: str = "") -> str:
        for _ in range(100):
            name = prefix + self.rng.choice(pool)
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"{prefix}{self.rng.choice(pool)}_{len(self.used)}"
        self.used.add(name)
        return name


def _int_expr(rng: random.Random, var: Var, depth: int = 0):
    """A random integer expression of ``var`` (non-negative when ``var`` is)."""
    k = Int(rng.randint(1, 9))
    choices = [Bin("+", var, k), Bin("*", var, k), Mod(Bin("*", var, var), rng.choice(MODULI)),
               Mod(Bin("+", Bin("*", var, k), Int(rng.randint(0, 50))), rng.choice(MODULI)),
               Div(var, rng.randint(2, 5)), Mod(var, rng.randint(3, 11))]
    if depth < 1 and rng.random() < 0.3:
        inner = _int_expr(rng, var, depth + 1)
        choices.append(Mod(Bin(rng.choice("+*"), inner, Int(rng.randint(1, 9))), rng.choice(MODULI)))
    return rng.choice(choices)


def _cond(rng: random.Random, var) -> Cmp | Logic:
    base = [Cmp("==", Mod(var, rng.randint(2, 5)), Int(0)), Cmp(">", var, Int(rng.randint(0, 20))),
            Cmp("<", Mod(var, 7), Int(rng.randint(1, 6))), Cmp("!=", Mod(var, 3), Int(1))]
    c = rng.choice(base)
    if rng.random() < 0.25:
        c = Logic(rng.choice(("and", "or")), c, rng.choice(base))
    return c


def _fold_range(rng, names) -> Function:
    n, i, acc = names.fresh(prefix="n_"), names.fresh(("i", "j", "k")), names.fresh()
    m = rng.choice(MODULI)
    update = Assign(acc, Mod(Bin(rng.choice("+*") if rng.random() < 0.3 else "+", Var(acc, INT),
                                  _int_expr(rng, Var(i, INT))), m))
    body = (update,) if rng.random() < 0.4 else (If(_cond(rng, Var(i, INT)), (update,)),)
    return Function(names.fresh(VERBS, "fold_"), ((n, INT),), INT, (
        Let(acc, INT, Int(rng.randint(0, 3))),
        ForRange(i, Int(rng.randint(0, 2)), Var(n, INT), body),
        Return(Var(acc, INT))))


def _build_list(rng, names) -> Function:
    n, i, xs = names.fresh(prefix="n_"), names.fresh(("i", "j", "k")), names.fresh(prefix="items_")
    push = Append(xs, Mod(_int_expr(rng, Var(i, INT)), rng.choice(MODULI)))
    body = (push,) if rng.random() < 0.5 else (If(_cond(rng, Var(i, INT)), (push,)),)
    return Function(names.fresh(VERBS, "build_"), ((n, INT),), LIST, (
        Let(xs, LIST, ListLit(())), ForRange(i, Int(0), Var(n, INT), body), Return(Var(xs, LIST))))


def _reduce_list(rng, names) -> Function:
    xs, x, total = names.fresh(prefix="items_"), names.fresh(("x", "item", "elem")), names.fresh()
    m = rng.choice(MODULI)
    update = Assign(total, Mod(Bin("+", Var(total, INT), _int_expr(rng, Var(x, INT))), m))
    body = (If(_cond(rng, Var(x, INT)), (update,),
               (Assign(total, Mod(Bin("+", Var(total, INT), Int(rng.randint(1, 5))), m)),)
               if rng.random() < 0.5 else ()),)
    tail = Return(Var(total, INT)) if rng.random() < 0.6 else Return(
        Mod(Bin("+", Var(total, INT), Bin("*", Len(Var(xs, LIST)), Int(rng.randint(1, 9)))), m))
    return Function(names.fresh(VERBS, "reduce_"), ((xs, LIST),), INT, (
        Let(total, INT, Int(0)), ForEach(x, Var(xs, LIST), body), tail))


def _build_string(rng, names) -> Function:
    s, k = names.fresh(prefix="text_"), names.fresh(prefix="k_")
    i, out = names.fresh(("i", "j")), names.fresh(prefix="out_")
    pick = Assign(out, Concat(Var(out, STR), CharAt(Var(s, STR), Var(i, INT))))
    body = (If(_cond(rng, Var(i, INT)), (pick,),
               (Assign(out, Concat(Var(out, STR), Str(rng.choice("-_.:")))),)),)
    return Function(names.fresh(VERBS, "text_"), ((s, STR), (k, INT)), STR, (
        Let(out, STR, Str("")),
        ForRange(i, Int(0), Len(Var(s, STR)), body),
        Return(Concat(Concat(Var(out, STR), Str("#")), ToStr(Mod(Bin("*", Var(k, INT), Len(Var(s, STR))), 1000))))))


def _count_map(rng, names) -> Function:
    xs, x, m = names.fresh(prefix="items_"), names.fresh(("x", "item")), names.fresh(prefix="table_")
    key = Concat(Str(rng.choice(WORDS)[:2]), ToStr(Mod(Var(x, INT), rng.randint(2, 6))))
    delta = Int(1) if rng.random() < 0.5 else Mod(Var(x, INT), rng.choice((10, 97)))
    return Function(names.fresh(VERBS, "tally_"), ((xs, LIST),), MAP, (
        Let(m, MAP, EmptyMap()), ForEach(x, Var(xs, LIST), (MapAdd(m, key, delta),)), Return(Var(m, MAP))))


def _recursive(rng, names) -> Function:
    kind = rng.choice(("gcd", "digits", "power"))
    if kind == "gcd":
        a, b, name = names.fresh(prefix="a_"), names.fresh(prefix="b_"), names.fresh(VERBS, "gcd_")
        return Function(name, ((a, INT), (b, INT)), INT, (
            If(Cmp("==", Var(b, INT), Int(0)), (Return(Var(a, INT)),)),
            Return(Call(name, (Var(b, INT), Mod(Var(a, INT), Var(b, INT))), INT))), recursive=True)
    if kind == "digits":
        n, name = names.fresh(prefix="n_"), names.fresh(VERBS, "digits_")
        base = rng.choice((10, 7, 2, 16))
        return Function(name, ((n, INT),), INT, (
            If(Cmp("<", Var(n, INT), Int(base)), (Return(Var(n, INT)),)),
            Return(Bin("+", Mod(Var(n, INT), base), Call(name, (Div(Var(n, INT), base),), INT)))),
            recursive=True)
    b, e, name = names.fresh(prefix="base_"), names.fresh(prefix="exp_"), names.fresh(VERBS, "power_")
    m = rng.choice(MODULI[1:])
    half = names.fresh(prefix="half_")
    return Function(name, ((b, INT), (e, INT)), INT, (
        If(Cmp("==", Var(e, INT), Int(0)), (Return(Int(1)),)),
        Let(half, INT, Call(name, (Var(b, INT), Div(Var(e, INT), 2)), INT)),
        Let(half + "_sq", INT, Mod(Bin("*", Var(half, INT), Var(half, INT)), m)),
        If(Cmp("==", Mod(Var(e, INT), 2), Int(1)),
           (Return(Mod(Bin("*", Var(half + "_sq", INT), Mod(Var(b, INT), m)), m)),)),
        Return(Var(half + "_sq", INT))), recursive=True)


def _bounded_while(rng, names) -> Function:
    n, steps, name = names.fresh(prefix="n_"), names.fresh(prefix="steps_"), names.fresh(VERBS, "walk_")
    limit = rng.randint(20, 200)
    return Function(name, ((n, INT),), INT, (
        Let(steps, INT, Int(0)),
        While(Logic("and", Cmp(">", Var(n, INT), Int(1)), Cmp("<", Var(steps, INT), Int(limit))), (
            If(Cmp("==", Mod(Var(n, INT), 2), Int(0)), (Assign(n, Div(Var(n, INT), 2)),),
               (Assign(n, Mod(Bin("+", Bin("*", Var(n, INT), Int(3)), Int(1)), 1000003)),)),
            Assign(steps, Bin("+", Var(steps, INT), Int(1))))),
        Return(Bin("+", Bin("*", Var(steps, INT), Int(1000)), Var(n, INT)))))


SKELETONS = (_fold_range, _build_list, _reduce_list, _build_string, _count_map, _recursive,
             _bounded_while)


def _args_for(rng: random.Random, fn: Function) -> tuple:
    args = []
    for _, t in fn.params:
        if t == INT:
            args.append(Int(rng.randint(0, 60) if not fn.recursive else rng.randint(1, 5000)))
        elif t == STR:
            args.append(Str(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))))
        elif t == LIST:
            args.append(ListLit(tuple(rng.randint(0, 99) for _ in range(rng.randint(1, 8)))))
    return tuple(args)


def generate_program(seed: int, functions: tuple[int, int] = (2, 4)) -> Program:
    """The program of ``seed`` with between ``functions[0]`` and ``functions[1]`` functions."""
    lo, hi = functions
    if not 1 <= lo <= hi:
        raise ValueError(f"functions: need 1 <= min <= max, got {functions}")
    rng = random.Random(seed)
    names = _Names(rng)
    functions = [rng.choice(SKELETONS)(rng, names) for _ in range(rng.randint(lo, hi))]
    main = []
    for fn in functions:
        for _ in range(rng.randint(1, 2)):
            call = Call(fn.name, _args_for(rng, fn), fn.returns)
            if fn.returns == INT and rng.random() < 0.3:
                main.append(Print(Cond(Cmp(">", call, Int(rng.randint(0, 100))), Str("big"), Str("small"))))
            main.append(Print(call))
    # Compose: feed one function's list into another when shapes allow.
    producers = [f for f in functions if f.returns == LIST and f.params == ((f.params[0][0], INT),)]
    consumers = [f for f in functions if f.params and f.params[0][1] == LIST and len(f.params) == 1]
    if producers and consumers:
        p, c = rng.choice(producers), rng.choice(consumers)
        main.append(Print(Call(c.name, (Call(p.name, (Int(rng.randint(1, 12)),), LIST),), c.returns)))
    return Program(tuple(functions), tuple(main))

