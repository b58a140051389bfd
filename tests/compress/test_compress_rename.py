"""Local renaming: consistent across nested scopes, refused where names are observable."""

from __future__ import annotations

import ast
from pathlib import Path

from hlopt.compress.keep import TreeFacts, collect_facts
from hlopt.compress.pipeline import Settings, make_plan


def _renamed(code: str) -> set[str]:
    """The original names of every renamed occurrence (the whole plan of one module)."""
    tree = ast.parse(code)
    local = collect_facts(tree, code)
    plan, _ = make_plan(tree, code, Path("t.py"), TreeFacts.join([local]), local, Settings())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
             and (n.lineno, n.col_offset) in plan.renames}
    names |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)
              and (a.lineno, a.col_offset) in plan.renames}
    return names


def test_locals_call_refuses_renaming(minify) -> None:
    m = minify('''
        def render(name_value):
            greeting_word = "hi"
            return "{greeting_word} {name_value}".format(**locals())

        print(render("bob"))
    ''')
    assert "greeting_word" in m.text()
    assert m.codes() == ["HLC001"]
    finding = m.report.findings[0]
    assert finding.data == {"function": "render", "reason": "uses locals()"}
    assert m.report.exit_code == 0  # advice only
    assert m.run().stdout == "hi bob\n"


def test_exec_and_eval_refuse_renaming_also_in_enclosing_functions() -> None:
    code = (
        "def outer():\n"
        "    captured_value = 1\n"
        "    def inner():\n"
        "        other_value = captured_value\n"
        "        return eval('captured_value + other_value')\n"
        "    return inner()\n"
        "def runner(source_text):\n"
        "    scratch_space = {}\n"
        "    exec(source_text)\n"
        "    return scratch_space\n"
        "def free(long_name):\n"
        "    temporary_value = long_name\n"
        "    return temporary_value\n"
    )
    assert _renamed(code) == {"temporary_value"}


def test_nested_scopes_are_renamed_consistently(minify) -> None:
    m = minify('''
        def counter():
            running_total = 0
            def step(increment_by, /):
                nonlocal running_total
                running_total += increment_by
                return running_total
            return step

        def comprehension(values_list, /):
            doubled_values = [item_value * 2 for item_value in values_list]
            return doubled_values, (lambda: doubled_values)()

        c = counter()
        c(2)
        print(c(3), comprehension([1, 2]))
    ''')
    out = m.text()
    assert "running_total" not in out and "item_value" not in out
    assert m.run().stdout == "5 ([2, 4], [2, 4])\n"


def test_keyword_parameters_keep_their_names_posonly_do_not(minify) -> None:
    m = minify('''
        def f(positional_only, /, keyword_ok, *rest_args, **more_kwargs):
            return positional_only, keyword_ok, rest_args, more_kwargs

        print(f(1, keyword_ok=2))
    ''')
    out = m.text()
    assert "keyword_ok" in out
    assert "positional_only" not in out and "rest_args" not in out and "more_kwargs" not in out
    assert m.run().stdout == "(1, 2, (), {})\n"


def test_self_is_renamed_unless_a_caller_passes_it_by_name() -> None:
    plain = (
        "class A:\n"
        "    def m(self, x):\n"
        "        return self.v + x\n"
    )
    assert "self" in _renamed(plain)
    by_keyword = plain + "A.m(self=A(), x=1)\n"
    assert "self" not in _renamed(by_keyword)


def test_fstring_self_documenting_names_and_annotations_are_not_renamed() -> None:
    code = (
        "def f():\n"
        "    shown_value = 1\n"
        "    hidden_value = 2\n"
        "    return f'{shown_value=}', hidden_value\n"
    )
    assert _renamed(code) == {"hidden_value"}


def test_zero_argument_super_still_works_after_renaming(minify) -> None:
    # super() finds the instance by the first parameter's slot and the class through the
    # __class__ cell; neither name is ever renamed or generated, so renaming `self` is safe
    m = minify('''
        class Base:
            def greet(self, who):
                return "hello " + who

        class Child(Base):
            def greet(self, who):
                shout_text = super().greet(who)
                return shout_text.upper()

        print(Child().greet("ann"))
    ''')
    assert "shout_text" not in m.text() and "self" not in m.text()
    assert m.run().stdout == "HELLO ANN\n"


def test_class_body_names_are_not_taken_for_the_enclosing_function(minify) -> None:
    m = minify('''
        def make():
            shared_name = "function"
            class Inner:
                shared_name = "class"
                seen_value = shared_name
                def method(self):
                    return shared_name
            return Inner.seen_value, Inner().method()

        print(make())
    ''')
    assert m.run().stdout == "('class', 'function')\n"


def test_global_and_except_names(minify) -> None:
    m = minify('''
        counter_value = 0

        def bump():
            global counter_value
            counter_value += 1
            try:
                raise ValueError("boom")
            except ValueError as caught_error:
                message_text = str(caught_error)
            return counter_value, message_text

        print(bump())
    ''')
    out = m.text()
    assert "counter_value" in out and "caught_error" not in out
    assert m.run().stdout == "(1, 'boom')\n"
