"""Render an IR program idiomatically in each of the seven languages.

Each renderer maps IR nodes to its language's own types, collections and library calls
(``Math.floorMod`` in Java, ``rem_euclid`` in Rust, ``BTreeMap``/``TreeMap``/``SortedDictionary``
for ordered maps, slices and borrows in Rust, explicit ``int64`` in Go, ...). Output formatting is
the one thing fixed across languages: ints in decimal, lists as ``[1, 2, 3]``, maps as
``{k: v, ...}`` sorted by key.
"""

from __future__ import annotations

from codescale.languages import REGISTRY
from codescale.synth import ir
from codescale.synth.ir import INT, LIST, MAP, STR

LANGUAGES = tuple(lang.id for lang in REGISTRY.values() if lang.rendered)  # RENDERERS has each
FILE_NAMES = {"python": "main.py", "java": "Main.java", "javascript": "main.js",
              "typescript": "main.ts", "csharp": "Program.cs", "go": "main.go", "rust": "main.rs"}


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_"))


def quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Renderer:
    lang = ""
    indent_unit = "    "
    true_and, true_or = "&&", "||"

    def __init__(self, program: ir.Program):
        self.program = program
        self.helpers: set[str] = set()
        self.returns = {f.name: f.returns for f in program.functions}

    # names
    def var(self, name: str) -> str:
        return camel(name)

    def fn(self, name: str) -> str:
        return camel(name)

    # expressions
    def expr(self, e) -> str:
        return getattr(self, "e_" + type(e).__name__)(e)

    def e_Int(self, e):
        return str(e.value)

    def e_Str(self, e):
        return quote(e.value)

    def e_Var(self, e):
        return self.var(e.name)

    def e_Bin(self, e):
        return f"({self.expr(e.left)} {e.op} {self.expr(e.right)})"

    def modulus(self, e) -> str:
        return str(e.modulus) if isinstance(e.modulus, int) else self.expr(e.modulus)

    def e_Mod(self, e):
        m = self.modulus(e)
        return f"((({self.expr(e.value)} % {m}) + {m}) % {m})"

    def e_Div(self, e):
        return f"({self.expr(e.value)} / {e.divisor})"

    def e_Cmp(self, e):
        return f"({self.expr(e.left)} {e.op} {self.expr(e.right)})"

    def e_Logic(self, e):
        op = self.true_and if e.op == "and" else self.true_or
        return f"({self.expr(e.left)} {op} {self.expr(e.right)})"

    def e_Cond(self, e):
        return f"({self.expr(e.cond)} ? {self.expr(e.then)} : {self.expr(e.other)})"

    def e_Concat(self, e):
        return f"({self.expr(e.left)} + {self.expr(e.right)})"

    def e_Call(self, e):
        return f"{self.fn(e.function)}({', '.join(self.arg(a) for a in e.args)})"

    def arg(self, a) -> str:
        return self.expr(a)

    # statements
    def block(self, stmts, level: int) -> list[str]:
        out = []
        for s in stmts:
            out.extend(getattr(self, "s_" + type(s).__name__)(s, level))
        return out

    def ind(self, level: int) -> str:
        return self.indent_unit * level

    # statements shared by the brace languages (Python overrides them)
    while_keyword = "while"
    end = ";"

    def s_Assign(self, s, lv):
        return [f"{self.ind(lv)}{self.var(s.name)} = {self.expr(s.value)}{self.end}"]

    def s_Return(self, s, lv):
        return [f"{self.ind(lv)}return {self.expr(s.value)}{self.end}"]

    def s_If(self, s, lv):
        out = [f"{self.ind(lv)}if {self.expr(s.cond)} {{", *self.block(s.then, lv + 1)]
        if s.other:
            out += [f"{self.ind(lv)}}} else {{", *self.block(s.other, lv + 1)]
        return out + [f"{self.ind(lv)}}}"]

    def s_While(self, s, lv):
        return [f"{self.ind(lv)}{self.while_keyword} {self.expr(s.cond)} {{", *self.block(s.body, lv + 1),
                f"{self.ind(lv)}}}"]

    def render(self) -> str:
        raise NotImplementedError


class PythonRenderer(Renderer):
    lang = "python"
    true_and, true_or = "and", "or"
    TYPES = {INT: "int", STR: "str", LIST: "list[int]", MAP: "dict[str, int]", ir.BOOL: "bool"}

    def var(self, name):
        return name

    def fn(self, name):
        return name

    def e_Mod(self, e):
        return f"({self.expr(e.value)} % {self.modulus(e)})"

    def e_Div(self, e):
        return f"({self.expr(e.value)} // {e.divisor})"

    def e_Cond(self, e):
        return f"({self.expr(e.then)} if {self.expr(e.cond)} else {self.expr(e.other)})"

    def e_Len(self, e):
        return f"len({self.expr(e.value)})"

    def e_CharAt(self, e):
        return f"{self.expr(e.value)}[{self.expr(e.index)}]"


    def e_ToStr(self, e):
        return f"str({self.expr(e.value)})"

    def e_ListLit(self, e):
        return "[" + ", ".join(map(str, e.values)) + "]"

    def e_EmptyMap(self, e):
        return "{}"


    def s_Let(self, s, lv):
        return [f"{self.ind(lv)}{s.name}: {self.TYPES[s.type]} = {self.expr(s.value)}"]

    def s_Assign(self, s, lv):
        return [f"{self.ind(lv)}{s.name} = {self.expr(s.value)}"]

    def s_If(self, s, lv):
        out = [f"{self.ind(lv)}if {self.expr(s.cond)}:", *self.block(s.then, lv + 1)]
        if s.other:
            out += [f"{self.ind(lv)}else:", *self.block(s.other, lv + 1)]
        return out

    def s_ForRange(self, s, lv):
        return [f"{self.ind(lv)}for {s.var} in range({self.expr(s.start)}, {self.expr(s.stop)}):",
                *self.block(s.body, lv + 1)]

    def s_ForEach(self, s, lv):
        return [f"{self.ind(lv)}for {s.var} in {self.expr(s.items)}:", *self.block(s.body, lv + 1)]

    def s_While(self, s, lv):
        return [f"{self.ind(lv)}while {self.expr(s.cond)}:", *self.block(s.body, lv + 1)]

    def s_Append(self, s, lv):
        return [f"{self.ind(lv)}{s.list}.append({self.expr(s.value)})"]

    def s_MapAdd(self, s, lv):
        k = self.expr(s.key)
        return [f"{self.ind(lv)}{s.map}[{k}] = {s.map}.get({k}, 0) + {self.expr(s.delta)}"]

    def s_Return(self, s, lv):
        return [f"{self.ind(lv)}return {self.expr(s.value)}"]

    def s_Print(self, s, lv):
        v = self.expr(s.value)
        if s.value.type == MAP:
            v = f'"{{" + ", ".join(f"{{k}}: {{v}}" for k, v in sorted({v}.items())) + "}}"'
        return [f"{self.ind(lv)}print({v})"]

    def render(self):
        out = []
        for f in self.program.functions:
            params = ", ".join(f"{n}: {self.TYPES[t]}" for n, t in f.params)
            out += [f"def {f.name}({params}) -> {self.TYPES[f.returns]}:", *self.block(f.body, 1), "", ""]
        out += ["def main() -> None:", *self.block(self.program.main, 1), "", "",
                'if __name__ == "__main__":', "    main()", ""]
        return "\n".join(out)


class JavaRenderer(Renderer):
    lang = "java"
    TYPES = {INT: "long", STR: "String", LIST: "List<Long>", MAP: "Map<String, Long>", ir.BOOL: "boolean"}

    def e_Int(self, e):
        return f"{e.value}L"

    def e_Mod(self, e):
        return f"Math.floorMod({self.expr(e.value)}, {self.modulus(e)}{'L' if isinstance(e.modulus, int) else ''})"

    def e_Len(self, e):
        return f"{self.expr(e.value)}.{'length' if e.value.type == STR else 'size'}()"

    def e_CharAt(self, e):
        return f"String.valueOf({self.expr(e.value)}.charAt((int) {self.expr(e.index)}))"


    def e_ToStr(self, e):
        return f"Long.toString({self.expr(e.value)})"

    def e_ListLit(self, e):
        return "List.of(" + ", ".join(f"{v}L" for v in e.values) + ")" if e.values else "new ArrayList<>()"

    def e_EmptyMap(self, e):
        return "new TreeMap<>()"


    def s_Let(self, s, lv):
        return [f"{self.ind(lv)}{self.TYPES[s.type]} {self.var(s.name)} = {self.expr(s.value)};"]

    def s_ForRange(self, s, lv):
        v = self.var(s.var)
        return [f"{self.ind(lv)}for (long {v} = {self.expr(s.start)}; {v} < {self.expr(s.stop)}; {v}++) {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_ForEach(self, s, lv):
        return [f"{self.ind(lv)}for (long {self.var(s.var)} : {self.expr(s.items)}) {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_Append(self, s, lv):
        return [f"{self.ind(lv)}{self.var(s.list)}.add({self.expr(s.value)});"]

    def s_MapAdd(self, s, lv):
        return [f"{self.ind(lv)}{self.var(s.map)}.merge({self.expr(s.key)}, {self.expr(s.delta)}, Long::sum);"]

    def s_Print(self, s, lv):
        v = self.expr(s.value)
        if s.value.type == MAP:
            self.helpers.add("formatMap")
            v = f"formatMap({v})"
        return [f"{self.ind(lv)}System.out.println({v});"]

    def render(self):
        body = []
        for f in self.program.functions:
            params = ", ".join(f"{self.TYPES[t]} {self.var(n)}" for n, t in f.params)
            body += [f"    static {self.TYPES[f.returns]} {self.fn(f.name)}({params}) {{",
                     *self.block(f.body, 2), "    }", ""]
        main = self.block(self.program.main, 2)
        if "formatMap" in self.helpers:
            body += ["    static String formatMap(Map<String, Long> map) {",
                     "        StringJoiner joiner = new StringJoiner(\", \", \"{\", \"}\");",
                     "        for (Map.Entry<String, Long> e : map.entrySet()) {",
                     "            joiner.add(e.getKey() + \": \" + e.getValue());",
                     "        }", "        return joiner.toString();", "    }", ""]
        return "\n".join(["import java.util.*;", "", "public class Main {", *body,
                          "    public static void main(String[] args) {", *main, "    }", "}", ""])


class JavaScriptRenderer(Renderer):
    lang = "javascript"

    def e_Div(self, e):
        return f"Math.floor({self.expr(e.value)} / {e.divisor})"

    def e_Len(self, e):
        return f"{self.expr(e.value)}.length"

    def e_CharAt(self, e):
        return f"{self.expr(e.value)}.charAt({self.expr(e.index)})"


    def e_ToStr(self, e):
        return f"String({self.expr(e.value)})"

    def e_ListLit(self, e):
        return "[" + ", ".join(map(str, e.values)) + "]"

    def e_EmptyMap(self, e):
        return "new Map()"


    def decl(self, s) -> str:
        return f"let {self.var(s.name)} = {self.expr(s.value)};"

    def s_Let(self, s, lv):
        return [self.ind(lv) + self.decl(s)]

    def s_ForRange(self, s, lv):
        v = self.var(s.var)
        return [f"{self.ind(lv)}for (let {v} = {self.expr(s.start)}; {v} < {self.expr(s.stop)}; {v}++) {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_ForEach(self, s, lv):
        return [f"{self.ind(lv)}for (const {self.var(s.var)} of {self.expr(s.items)}) {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_Append(self, s, lv):
        return [f"{self.ind(lv)}{self.var(s.list)}.push({self.expr(s.value)});"]

    def s_MapAdd(self, s, lv):
        m, k = self.var(s.map), self.expr(s.key)
        return [f"{self.ind(lv)}{m}.set({k}, ({m}.get({k}) ?? 0) + {self.expr(s.delta)});"]

    def s_Print(self, s, lv):
        v = self.expr(s.value)
        if s.value.type == LIST:
            self.helpers.add("formatList")
            v = f"formatList({v})"
        elif s.value.type == MAP:
            self.helpers.add("formatMap")
            v = f"formatMap({v})"
        return [f"{self.ind(lv)}console.log({v});"]

    def signature(self, f) -> str:
        return f"function {self.fn(f.name)}({', '.join(self.var(n) for n, _ in f.params)})"

    def helper_text(self) -> list[str]:
        out = []
        if "formatList" in self.helpers:
            out += ["function formatList(items) {", '  return "[" + items.join(", ") + "]";', "}", ""]
        if "formatMap" in self.helpers:
            out += ["function formatMap(map) {",
                    "  const keys = [...map.keys()].sort();",
                    '  return "{" + keys.map((k) => `${k}: ${map.get(k)}`).join(", ") + "}";', "}", ""]
        return out

    indent_unit = "  "
    main_returns = ""

    def render(self):
        out = ['"use strict";', ""]
        for f in self.program.functions:
            out += [self.signature(f) + " {", *self.block(f.body, 1), "}", ""]
        main = self.block(self.program.main, 1)
        out += self.helper_text()
        out += [f"function main(){self.main_returns} {{", *main, "}", "", "main();", ""]
        return "\n".join(out)


class TypeScriptRenderer(JavaScriptRenderer):
    lang = "typescript"
    TYPES = {INT: "number", STR: "string", LIST: "number[]", MAP: "Map<string, number>", ir.BOOL: "boolean"}

    def decl(self, s):
        return f"let {self.var(s.name)}: {self.TYPES[s.type]} = {self.expr(s.value)};"

    def e_EmptyMap(self, e):
        return "new Map<string, number>()"

    def signature(self, f):
        params = ", ".join(f"{self.var(n)}: {self.TYPES[t]}" for n, t in f.params)
        return f"function {self.fn(f.name)}({params}): {self.TYPES[f.returns]}"

    def helper_text(self):
        out = []
        if "formatList" in self.helpers:
            out += ["function formatList(items: number[]): string {",
                    '  return "[" + items.join(", ") + "]";', "}", ""]
        if "formatMap" in self.helpers:
            out += ["function formatMap(map: Map<string, number>): string {",
                    "  const keys = [...map.keys()].sort();",
                    '  return "{" + keys.map((k) => `${k}: ${map.get(k)}`).join(", ") + "}";', "}", ""]
        return out

    main_returns = ": void"

    def render(self):
        return super().render().replace('"use strict";\n\n', "")


class CSharpRenderer(Renderer):
    lang = "csharp"
    TYPES = {INT: "long", STR: "string", LIST: "List<long>", MAP: "SortedDictionary<string, long>",
             ir.BOOL: "bool"}

    def fn(self, name):
        return pascal(name)

    def e_Len(self, e):
        return f"{self.expr(e.value)}.{'Length' if e.value.type == STR else 'Count'}"

    def e_CharAt(self, e):
        return f"{self.expr(e.value)}[(int) {self.expr(e.index)}].ToString()"


    def e_ToStr(self, e):
        return f"{self.expr(e.value)}.ToString()"

    def e_ListLit(self, e):
        return "new List<long> { " + ", ".join(map(str, e.values)) + " }" if e.values else "new List<long>()"

    def e_EmptyMap(self, e):
        return "new SortedDictionary<string, long>(StringComparer.Ordinal)"


    def s_Let(self, s, lv):
        return [f"{self.ind(lv)}{self.TYPES[s.type]} {self.var(s.name)} = {self.expr(s.value)};"]

    def s_ForRange(self, s, lv):
        v = self.var(s.var)
        return [f"{self.ind(lv)}for (long {v} = {self.expr(s.start)}; {v} < {self.expr(s.stop)}; {v}++)",
                f"{self.ind(lv)}{{", *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_ForEach(self, s, lv):
        return [f"{self.ind(lv)}foreach (long {self.var(s.var)} in {self.expr(s.items)})",
                f"{self.ind(lv)}{{", *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_Append(self, s, lv):
        return [f"{self.ind(lv)}{self.var(s.list)}.Add({self.expr(s.value)});"]

    def s_MapAdd(self, s, lv):
        self.helpers.add("AddTo")
        return [f"{self.ind(lv)}AddTo({self.var(s.map)}, {self.expr(s.key)}, {self.expr(s.delta)});"]

    def s_Print(self, s, lv):
        v = self.expr(s.value)
        if s.value.type == LIST:
            v = f'"[" + string.Join(", ", {v}) + "]"'
        elif s.value.type == MAP:
            v = f'"{{" + string.Join(", ", {v}.Select(kv => kv.Key + ": " + kv.Value)) + "}}"'
        return [f"{self.ind(lv)}Console.WriteLine({v});"]

    def render(self):
        body = []
        for f in self.program.functions:
            params = ", ".join(f"{self.TYPES[t]} {self.var(n)}" for n, t in f.params)
            body += [f"    static {self.TYPES[f.returns]} {self.fn(f.name)}({params})", "    {",
                     *self.block(f.body, 2), "    }", ""]
        main = self.block(self.program.main, 2)
        if "AddTo" in self.helpers:
            body += ["    static void AddTo(SortedDictionary<string, long> map, string key, long delta)",
                     "    {", "        long current;", "        map.TryGetValue(key, out current);",
                     "        map[key] = current + delta;", "    }", ""]
        return "\n".join(["using System;", "using System.Collections.Generic;", "using System.Linq;", "",
                          "public static class Program", "{", *body, "    public static void Main()", "    {",
                          *main, "    }", "}", ""])


class GoRenderer(Renderer):
    lang = "go"
    indent_unit = "\t"
    while_keyword = "for"
    end = ""
    TYPES = {INT: "int64", STR: "string", LIST: "[]int64", MAP: "map[string]int64", ir.BOOL: "bool"}

    def __init__(self, program):
        super().__init__(program)
        self.imports: set[str] = {"fmt"}

    def e_Cond(self, e):
        t = self.TYPES[e.then.type]
        return (f"func() {t} {{ if {self.expr(e.cond)} {{ return {self.expr(e.then)} }}; "
                f"return {self.expr(e.other)} }}()")

    def e_Len(self, e):
        return f"int64(len({self.expr(e.value)}))"

    def e_CharAt(self, e):
        return f"string({self.expr(e.value)}[{self.expr(e.index)}])"


    def e_ToStr(self, e):
        self.imports.add("strconv")
        return f"strconv.FormatInt({self.expr(e.value)}, 10)"

    def e_ListLit(self, e):
        return "[]int64{" + ", ".join(map(str, e.values)) + "}"

    def e_EmptyMap(self, e):
        return "map[string]int64{}"


    def s_Let(self, s, lv):
        value = self.expr(s.value)
        if s.type == INT:
            value = f"int64({value})"
        return [f"{self.ind(lv)}{self.var(s.name)} := {value}"]

    def s_ForRange(self, s, lv):
        v = self.var(s.var)
        return [f"{self.ind(lv)}for {v} := int64({self.expr(s.start)}); {v} < {self.expr(s.stop)}; {v}++ {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_ForEach(self, s, lv):
        return [f"{self.ind(lv)}for _, {self.var(s.var)} := range {self.expr(s.items)} {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_Append(self, s, lv):
        v = self.var(s.list)
        return [f"{self.ind(lv)}{v} = append({v}, {self.expr(s.value)})"]

    def s_MapAdd(self, s, lv):
        return [f"{self.ind(lv)}{self.var(s.map)}[{self.expr(s.key)}] += {self.expr(s.delta)}"]

    def s_Print(self, s, lv):
        v = self.expr(s.value)
        if s.value.type == LIST:
            self.helpers.add("formatList")
            self.imports.update({"strconv", "strings"})
            v = f"formatList({v})"
        elif s.value.type == MAP:
            self.helpers.add("formatMap")
            self.imports.update({"sort", "strconv", "strings"})
            v = f"formatMap({v})"
        return [f"{self.ind(lv)}fmt.Println({v})"]

    def render(self):
        body = []
        for f in self.program.functions:
            params = ", ".join(f"{self.var(n)} {self.TYPES[t]}" for n, t in f.params)
            body += [f"func {self.fn(f.name)}({params}) {self.TYPES[f.returns]} {{", *self.block(f.body, 1), "}", ""]
        main = self.block(self.program.main, 1)
        if "formatList" in self.helpers:
            body += ["func formatList(items []int64) string {", "\tparts := make([]string, len(items))",
                     "\tfor i, item := range items {", "\t\tparts[i] = strconv.FormatInt(item, 10)", "\t}",
                     '\treturn "[" + strings.Join(parts, ", ") + "]"', "}", ""]
        if "formatMap" in self.helpers:
            body += ["func formatMap(m map[string]int64) string {", "\tkeys := make([]string, 0, len(m))",
                     "\tfor k := range m {", "\t\tkeys = append(keys, k)", "\t}", "\tsort.Strings(keys)",
                     "\tparts := make([]string, len(keys))", "\tfor i, k := range keys {",
                     '\t\tparts[i] = k + ": " + strconv.FormatInt(m[k], 10)', "\t}",
                     '\treturn "{" + strings.Join(parts, ", ") + "}"', "}", ""]
        imports = ["import (", *[f'\t"{i}"' for i in sorted(self.imports)], ")"]
        return "\n".join(["package main", "", *imports, "", *body, "func main() {", *main, "}", ""])


class RustRenderer(Renderer):
    lang = "rust"
    TYPES = {INT: "i64", STR: "String", LIST: "Vec<i64>", MAP: "BTreeMap<String, i64>", ir.BOOL: "bool"}
    PARAM_TYPES = {INT: "i64", STR: "&str", LIST: "&[i64]", MAP: "&BTreeMap<String, i64>", ir.BOOL: "bool"}

    def var(self, name):
        return name

    def fn(self, name):
        return name

    def __init__(self, program):
        super().__init__(program)
        self.params: set[str] = set()

    def e_Str(self, e):
        return f"String::from({quote(e.value)})"

    def e_Mod(self, e):
        return f"({self.expr(e.value)}).rem_euclid({self.modulus(e)})"

    def e_Cond(self, e):
        return f"(if {self.expr(e.cond)} {{ {self.expr(e.then)} }} else {{ {self.expr(e.other)} }})"

    def e_Concat(self, e):
        return f"format!(\"{{}}{{}}\", {self.expr(e.left)}, {self.expr(e.right)})"

    def e_Len(self, e):
        return f"({self.expr(e.value)}.len() as i64)"

    def e_CharAt(self, e):
        return f"{self.expr(e.value)}[({self.expr(e.index)}) as usize..({self.expr(e.index)} + 1) as usize].to_string()"


    def e_ToStr(self, e):
        return f"({self.expr(e.value)}).to_string()"

    def e_ListLit(self, e):
        return "vec![" + ", ".join(map(str, e.values)) + "]" if e.values else "Vec::new()"

    def e_EmptyMap(self, e):
        return "BTreeMap::new()"


    def arg(self, a):
        if a.type in (LIST, STR, MAP):
            if isinstance(a, ir.Var) and a.name in self.params:
                return a.name  # already a borrow
            if isinstance(a, ir.ListLit):
                return "&[" + ", ".join(map(str, a.values)) + "]"
            if isinstance(a, ir.Str):
                return quote(a.value)
            return f"&{self.expr(a)}"
        return self.expr(a)

    def s_Let(self, s, lv):
        return [f"{self.ind(lv)}let mut {s.name}: {self.TYPES[s.type]} = {self.expr(s.value)};"]

    def s_ForRange(self, s, lv):
        return [f"{self.ind(lv)}for {s.var} in {self.expr(s.start)}..{self.expr(s.stop)} {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_ForEach(self, s, lv):
        return [f"{self.ind(lv)}for &{s.var} in {self.expr(s.items)}.iter() {{",
                *self.block(s.body, lv + 1), f"{self.ind(lv)}}}"]

    def s_Append(self, s, lv):
        return [f"{self.ind(lv)}{s.list}.push({self.expr(s.value)});"]

    def s_MapAdd(self, s, lv):
        return [f"{self.ind(lv)}*{s.map}.entry({self.expr(s.key)}).or_insert(0) += {self.expr(s.delta)};"]

    def s_Print(self, s, lv):
        v = self.expr(s.value)
        if s.value.type == LIST:
            return [f'{self.ind(lv)}println!("{{:?}}", {v});']
        if s.value.type == MAP:
            v = (f'format!("{{{{{{}}}}}}", {v}.iter().map(|(k, v)| format!("{{}}: {{}}", k, v))'
                 '.collect::<Vec<_>>().join(", "))')
        return [f'{self.ind(lv)}println!("{{}}", {v});']

    def render(self):
        body = []
        for f in self.program.functions:
            self.params = {n for n, t in f.params if t in (LIST, STR, MAP)}
            # Scalar parameters may be reassigned (a bounded walk updates its argument).
            params = ", ".join(f"{'mut ' if t == INT else ''}{n}: {self.PARAM_TYPES[t]}" for n, t in f.params)
            lines = self.block(f.body, 1)
            if lines and lines[-1].lstrip().startswith("return ") and lines[-1].startswith("    return"):
                lines[-1] = "    " + lines[-1].strip()[len("return "):-1]  # the idiomatic tail expression
            body += [f"fn {f.name}({params}) -> {self.TYPES[f.returns]} {{", *lines, "}", ""]
        self.params = set()
        main = self.block(self.program.main, 1)
        uses = ["use std::collections::BTreeMap;", ""] if "BTreeMap" in "\n".join(body) else []
        return "\n".join(["#![allow(unused_mut, unused_parens)]", "", *uses, *body, "fn main() {", *main, "}", ""])


RENDERERS = {r.lang: r for r in (PythonRenderer, JavaRenderer, JavaScriptRenderer, TypeScriptRenderer,
                                 CSharpRenderer, GoRenderer, RustRenderer)}


def render(program: ir.Program, lang: str) -> str:
    return RENDERERS[lang](program).render()
