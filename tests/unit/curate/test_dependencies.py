import random

import pytest

from codescale.curate.dependencies import (
    LANGUAGES,
    dependency_graph,
    dependency_order,
    extract_imports,
    repository_document,
)


def paths_in_order(lang, files):
    return [files[i][0] for i in dependency_order(lang, files)]


def edges_by_path(lang, files):
    graph = dependency_graph(lang, files)
    return {files[i][0]: sorted(files[j][0] for j in deps) for i, deps in graph.items() if deps}


# One small repository per language, listed out of order, with the expected emission order.
REPOS = {
    "python": ([
        ("src/pkg/main.py", "import os\nfrom pkg.models import Model\nimport pkg.util as u\n"),
        ("src/pkg/models.py", "from .util import helper\nfrom typing import Any\n\nclass Model: ...\n"),
        ("src/pkg/typing.py", "X = 1\n"),
        ("src/pkg/util.py", "def helper():\n    return 1\n"),
        ("src/pkg/__init__.py", ""),
    ], ["src/pkg/__init__.py", "src/pkg/typing.py", "src/pkg/util.py", "src/pkg/models.py", "src/pkg/main.py"]),
    "java": ([
        ("src/main/java/com/acme/App.java",
         "package com.acme;\nimport com.acme.model.*;\nimport static com.acme.util.Strings.trim;\n"
         "import java.util.List;\n// User is only mentioned in this comment\n"
         "public class App { Group g; String s = \"User\"; }\n"),
        ("src/main/java/com/acme/model/Group.java",
         "package com.acme.model;\nimport java.util.List;\nclass Group { List<User> users; }\n"),
        ("src/main/java/com/acme/model/User.java",
         "package com.acme.model;\nimport com.acme.util.Strings;\n"
         "public class User { String n = Strings.trim(\"\"); }\n"),
        ("src/main/java/com/acme/util/Strings.java",
         "package com.acme.util;\npublic final class Strings { public static String trim(String s) { return s; } }\n"),
    ], ["src/main/java/com/acme/util/Strings.java", "src/main/java/com/acme/model/User.java",
        "src/main/java/com/acme/model/Group.java", "src/main/java/com/acme/App.java"]),
    "javascript": ([
        ("main.js", "import React from 'react';\nconst m = require('./lib/models');\nimport('./lib/util.js');\n"),
        ("lib/models/index.js", "import { f } from '../util';\nexport const M = f();\n"),
        ("lib/util.js", "export function f() { return 1; }\n"),
        ("lib/all.mjs", "export * from './util.js';\nimport './models/index.js';\n"),
    ], ["lib/util.js", "lib/models/index.js", "lib/all.mjs", "main.js"]),
    "typescript": ([
        ("src/app.tsx", "import { M } from './models';\nexport { x } from 'lodash';\n"
                        "export const App = () => <div>{M}</div>;\n"),
        ("src/models.ts", "import { f } from './util.js';\nimport type { T } from './types';\n"
                          "export const M: T = f();\n"),
        ("src/util.ts", "export function f(): number { return 1; }\n"),
        ("src/types.d.ts", "export type T = number;\n"),
    ], ["src/types.d.ts", "src/util.ts", "src/models.ts", "src/app.tsx"]),
    "csharp": ([
        ("App/Program.cs", "using System;\nusing Acme.Models;\n"
                           "namespace Acme.App { class Program { User u; /* Unused */ } }\n"),
        ("Models/User.cs", "using Acme.Core;\nnamespace Acme.Models;\n"
                           "public class User { void F() { Guard.Check(); } }\n"),
        ("Models/Unused.cs", "namespace Acme.Models { class Unused { } }\n"),
        ("Core/Guard.cs", "namespace Acme.Core { static class Guard { static void Check() { Strings.X(); } } }\n"),
        ("Core/Strings.cs", "namespace Acme.Core {\n  public static class Strings { public static void X() { } }\n}\n"),
    ], ["Core/Strings.cs", "Core/Guard.cs", "Models/Unused.cs", "Models/User.cs", "App/Program.cs"]),
    "go": ([
        ("main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/app/models\"\n)\n\n"
                    "func main() { fmt.Println(models.Save(models.New())) }\n"),
        ("models/user_test.go", "package models\n\nimport \"testing\"\n\n"
                                "func TestSave(t *testing.T) { Save(New()) }\n"),
        ("models/store.go", "package models\n\nfunc Save(u User) error { return nil }\n"),
        ("models/user.go", "package models\n\nimport \"example.com/app/internal/util\"\n\ntype User struct{}\n\n"
                           "func New() User { util.Trim(\"\"); return User{} }\n"),
        ("internal/util/strings.go", "package util\n\nfunc Trim(s string) string { return s }\n"),
    ], ["internal/util/strings.go", "models/user.go", "models/store.go", "main.go", "models/user_test.go"]),
    "rust": ([
        ("tests/it.rs", "use mycrate::models::User;\nuse serde::Serialize;\n#[test]\nfn t() {}\n"),
        ("src/lib.rs", "mod util;\npub mod models;\npub use models::User;\n"),
        ("src/models/user.rs", "use crate::util::trim;\nuse std::fmt;\npub struct User;\n"),
        ("src/models/mod.rs", "mod user;\npub use self::user::User;\n"),
        ("src/util.rs", "pub fn trim() {}\n"),
    ], ["src/util.rs", "src/models/user.rs", "src/models/mod.rs", "src/lib.rs", "tests/it.rs"]),
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_repository_order(lang):
    files, expected = REPOS[lang]
    assert paths_in_order(lang, files) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_order_is_deterministic(lang):
    files, expected = REPOS[lang]
    rng = random.Random(7)
    for _ in range(5):
        shuffled = files[:]
        rng.shuffle(shuffled)
        order = dependency_order(lang, shuffled)
        assert sorted(order) == list(range(len(shuffled)))
        assert [shuffled[i][0] for i in order] == expected


def test_graph_edges():
    java = edges_by_path("java", REPOS["java"][0])
    app = "src/main/java/com/acme/App.java"
    # The wildcard import links only the mentioned type; comments and strings mention nothing.
    assert java[app] == ["src/main/java/com/acme/model/Group.java", "src/main/java/com/acme/util/Strings.java"]
    assert java["src/main/java/com/acme/model/Group.java"] == ["src/main/java/com/acme/model/User.java"]

    cs = edges_by_path("csharp", REPOS["csharp"][0])
    assert cs["App/Program.cs"] == ["Models/User.cs"]  # not every file of Acme.Models
    assert cs["Core/Guard.cs"] == ["Core/Strings.cs"]  # same namespace, no using

    go = edges_by_path("go", REPOS["go"][0])
    assert go["main.go"] == ["models/store.go", "models/user.go"]
    assert go["models/user_test.go"] == ["models/store.go", "models/user.go"]
    assert go["models/store.go"] == ["models/user.go"]  # non-test code never sees tests
    assert go["models/user.go"] == ["internal/util/strings.go"]

    rust = edges_by_path("rust", REPOS["rust"][0])
    assert rust["src/lib.rs"] == ["src/models/mod.rs", "src/util.rs"]
    assert rust["tests/it.rs"] == ["src/models/mod.rs"]


def test_python_resolution():
    files = [
        ("proj/pkg/__init__.py", "from . import core\n"),
        ("proj/pkg/core.py", "from ..tools import helper\nfrom pkg.sub import leaf\n"),
        ("proj/pkg/sub/__init__.py", ""),
        ("proj/pkg/sub/leaf.py", "import pkg.core as c\nfrom .missing import Thing\nfrom pkg.gone import f\n"),
        ("proj/tools.py", "def helper(): ...\n"),
        ("proj/flask_like/app.py", "from typing import Any\nimport json\nfrom ..nowhere import x\n"),
        ("proj/flask_like/typing.py", "Any = object\n"),
        ("proj/flask_like/json.py", "dumps = str\n"),
    ]
    assert edges_by_path("python", files) == {
        "proj/pkg/__init__.py": ["proj/pkg/core.py"],
        "proj/pkg/core.py": ["proj/pkg/sub/leaf.py", "proj/tools.py"],  # `from a.b import c`: c is a module
        "proj/pkg/sub/leaf.py": ["proj/pkg/core.py"],  # not the __init__.py of a missing module's package
    }


def test_go_resolution():
    files = [
        ("app/sys/defs_linux.go", "package sys\n\nconst PageSize = 4096\n"),
        ("app/sys/defs_windows.go", "package sys\n\nconst PageSize = 4096\n"),
        ("app/sys/mem_linux.go", "package sys\n\nfunc Alloc() int { return PageSize }\n"),
        ("app/sys/mem.go", "package sys\n\nfunc Size() int { return PageSize }\n"),
        ("app/go/internal/base/base.go", "package base\n\nfunc Base() {}\n"),
        ("app/vendor/golang.org/x/text/t.go", "package text\n\nfunc T() {}\n"),
        ("app/cmd/main.go", "package main\n\nimport (\n\t\"example.com/x/compile/internal/base\"\n"
                            "\t\"example.com/x/sys\"\n\t\"golang.org/x/text\"\n)\n\n"
                            "func main() { base.Base(); sys.Size(); text.T() }\n"),
    ]
    assert edges_by_path("go", files) == {
        "app/sys/mem_linux.go": ["app/sys/defs_linux.go"],  # not the windows variant
        "app/sys/mem.go": ["app/sys/defs_linux.go", "app/sys/defs_windows.go"],
        # compile/internal/base is missing: not go/internal/base; the repository's prefix app/ is a module root.
        "app/cmd/main.go": ["app/sys/mem.go", "app/vendor/golang.org/x/text/t.go"],
    }


def test_javascript_and_typescript_resolution():
    js = [("a/b.js", "const x = require('../c');\nimport y from './d';\nimport z from '/abs';\n"
                     "import w from '../../outside';\n"),
          ("c.cjs", ""), ("a/d/index.jsx", "")]
    assert edges_by_path("javascript", js) == {"a/b.js": ["a/d/index.jsx", "c.cjs"]}
    ts = [("src/a.ts", "import { b } from './b.js';\nimport x = require('./c');\nimport './d';\n"),
          ("src/b.ts", ""), ("src/c/index.ts", ""), ("src/d.mts", "")]
    assert edges_by_path("typescript", ts) == {"src/a.ts": ["src/b.ts", "src/c/index.ts", "src/d.mts"]}


def test_cycle_is_one_component():
    files = [("c.py", "import a_mod\n"), ("b_mod.py", "import a_mod\n"), ("a_mod.py", "import b_mod\n")]
    assert paths_in_order("python", files) == ["a_mod.py", "b_mod.py", "c.py"]


def test_pagerank_orders_a_cycle():
    # z_core is imported by both other files of the cycle: most depended on, so first despite its path.
    files = [("a_x.py", "import z_core\n"), ("b_y.py", "import z_core\n"),
             ("z_core.py", "import a_x\nimport b_y\n"), ("main.py", "import b_y\n")]
    assert paths_in_order("python", files) == ["z_core.py", "a_x.py", "b_y.py", "main.py"]


def test_rust_cycle_through_super():
    files = [("src/a/mod.rs", "mod tests;\npub fn f() {}\n"), ("src/a/tests.rs", "use super::*;\n"),
             ("src/lib.rs", "mod a;\n")]
    graph = edges_by_path("rust", files)
    assert graph == {"src/a/mod.rs": ["src/a/tests.rs"], "src/a/tests.rs": ["src/a/mod.rs"],
                     "src/lib.rs": ["src/a/mod.rs"]}
    assert paths_in_order("rust", files)[-1] == "src/lib.rs"


EXTERNAL = {
    "python": "import os\nimport numpy as np\nfrom typing import Any\nfrom collections.abc import Mapping\n",
    "java": "import java.util.List;\nimport org.junit.*;\nclass T { List<String> x; }\n",
    "javascript": "import React from 'react';\nconst fs = require('fs');\nimport('lodash/fp');\n",
    "typescript": "import { z } from 'zod';\nimport type { X } from '@scope/pkg';\n",
    "csharp": "using System;\nusing System.Linq;\nclass T { }\n",
    "go": "package main\n\nimport (\n\t\"fmt\"\n\t\"github.com/other/lib\"\n)\n\nfunc main() { fmt.Println(lib.X) }\n",
    "rust": "use std::fmt;\nuse serde::Serialize;\nuse ::regex::Regex;\nfn main() {}\n",
}
# Files whose names an external import could be mistaken for.
DECOYS = {
    "python": [("sub/os.py", ""), ("sub/typing.py", "")],
    "java": [("java/util/Map.java", "package java.util;\nclass Map {}\n")],
    "javascript": [("react.js", ""), ("fs/index.js", "")],
    "typescript": [("zod.ts", "")],
    "csharp": [("Helpers.cs", "namespace System { class Helper { } }\n")],  # used, but nothing of it mentioned
    "go": [("fmt/fmt.go", "package fmt\n\nfunc Println() {}\n"), ("vendor2/lib2/x.go", "package lib2\n")],
    "rust": [("src/fmt.rs", ""), ("src/regex.rs", "")],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_external_imports_ignored(lang):
    ext = {"python": "main.py", "java": "T.java", "javascript": "main.js", "typescript": "main.ts",
           "csharp": "T.cs", "go": "main.go", "rust": "src/main2.rs"}[lang]
    files = [(ext, EXTERNAL[lang])] + DECOYS[lang]
    assert extract_imports(lang, ext, EXTERNAL[lang])  # the imports are seen...
    assert all(not deps for deps in dependency_graph(lang, files).values())  # ...and resolve to nothing


@pytest.mark.parametrize("lang, path, content, expected", [
    ("python", "p/m.py", "import a.b as c, d\nfrom ..m import (y, z as w)\nfrom . import x\nfrom a import *\n"
                         "def f():\n    import lazy\n", ["a.b", "d", "..m.y", "..m.z", ".x", "a.*", "lazy"]),
    ("java", "A.java", "package p;\nimport com.x.Y;\nimport static com.x.Y.z;\nimport com.w.*;\n"
                       "import /* c */ a\n .B;\n",
     ["com.x.Y", "com.x.Y.z", "com.w.*", "a.B"]),
    ("javascript", "a.js", "import a from './x';\nimport './y';\nexport { c } from './z';\nexport * from './w';\n"
                           "const r = require('./r');\nimport('./d');\nfoo('./no');\n",
     ["./x", "./y", "./z", "./w", "./r", "./d"]),
    ("typescript", "a.ts", "import type { T } from './t.js';\nimport x = require('./q');\nexport * as n from './n';\n",
     ["./t.js", "./q", "./n"]),
    ("csharp", "A.cs", "global using System;\nusing static A.B.C;\nusing X = A.B.D;\nnamespace N { using M.O; }\n",
     ["System", "A.B.C", "A.B.D", "M.O"]),
    ("go", "a.go", "package a\n\nimport \"fmt\"\nimport (\n\tf \"example.com/m/x\"\n\t_ \"a/b\"\n)\n",
     ["fmt", "example.com/m/x", "a/b"]),
    ("rust", "src/lib.rs", "mod foo;\nmod inline { }\nuse crate::a::{b::C, d as e, self};\nuse super::x;\n"
                           "use self::m::*;\nuse ::serde::de;\n",
     ["mod:foo", "crate::a::b::C", "crate::a::d", "crate::a", "super::x", "self::m::*", "::serde::de"]),
])
def test_extract_imports(lang, path, content, expected):
    assert extract_imports(lang, path, content) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_unparseable_files_do_not_crash(lang):
    files, _ = REPOS[lang]
    junk = [("junk1.x", "\x00\x01\ufffd((({{{[[[ \ud800 import from ;;; \"unterminated"), ("empty.x", ""),
            ("junk2.x", "}" * 500 + "\n" + "(" * 2000)]
    order = dependency_order(lang, files + junk)
    assert sorted(order) == list(range(len(files) + len(junk)))


def test_broken_file_keeps_its_edges():
    files = [("main.py", "import util\ndef broken(:\n    pass\n"), ("util.py", "def f(): ...\n")]
    assert edges_by_path("python", files) == {"main.py": ["util.py"]}
    assert paths_in_order("python", files) == ["util.py", "main.py"]


def test_repository_document():
    files = [("pkg/b.py", "import a\n"), ("pkg/a.py", "X = 1\n\n\n")]
    assert repository_document("python", files, [1, 0]) == "# path: pkg/a.py\nX = 1\n\n# path: pkg/b.py\nimport a\n"
    rust = [("src/x.rs", "fn x() {}")]
    assert repository_document("rust", rust, [0]) == "// path: src/x.rs\nfn x() {}\n"
    assert repository_document("go", [], []) == ""


def test_unknown_language():
    with pytest.raises(ValueError):
        dependency_order("cobol", [("a.cob", "")])
