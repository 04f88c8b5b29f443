from codescale.curate.static_analysis import check_python


def test_undefined_names_are_dropped_with_the_name():
    results = check_python(["def f():\n    return y\n", "import os\n\nprint(os.sep)\n"])
    assert results[0].reason == "undefined_name" and "`y`" in results[0].detail
    assert results[1].reason is None


def test_star_imports_and_builtins_are_not_undefined():
    results = check_python(["from m import *\n\nz = q\n", "print(len(__file__), __name__)\n"])
    assert [r.reason for r in results] == [None, None]


def test_whitespace_and_blank_lines_are_fixed_and_nothing_else():
    source = "import os   \n\n\n\n\ndef f(x):  \n    \n    return os.sep + x\n\n\n\n"
    (result,) = check_python([source])
    assert result.content == "import os\n\n\ndef f(x):\n\n    return os.sep + x\n"
    untouched = "x = [1,2]  # spacing inside code is not ours to change\n"
    assert check_python([untouched])[0].content == untouched


def test_crlf_files_keep_their_line_endings():
    (result,) = check_python(["x = 1\r\ny = x\r\n"])
    assert result.content == "x = 1\r\ny = x\r\n"


def test_switches():
    source = "def f():\n    return y   \n"
    (result,) = check_python([source], undefined_names=False)
    assert result.reason is None and result.content == "def f():\n    return y\n"
    (result,) = check_python([source], fix=())
    assert result.reason == "undefined_name" and result.content == source
    assert check_python([]) == []
