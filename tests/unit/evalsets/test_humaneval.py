from codescale.evalsets.humaneval import HUMANEVAL_STOPS, humaneval_problems


def test_humaneval_ships_with_the_package():
    problems = humaneval_problems()
    assert len(problems) == 164 and problems[0].name == "HumanEval/0"
    assert "check(" in problems[0].tests
    assert problems[0].stops == HUMANEVAL_STOPS and problems[0].solution
    assert [p.name for p in humaneval_problems(3)] == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]
