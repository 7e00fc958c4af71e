from django.template import Context, Template


def test_options_marks_the_selected_value_and_escapes_labels():
    html = Template("{% load choices %}{% options items '2' 'All' %}").render(
        Context({"items": [(1, "One"), (2, "Two <b>"), ("", "skipped")]})
    )
    assert html == (
        '<option value="">All</option><option value="1">One</option><option value="2" selected>Two &lt;b&gt;</option>'
    )
    assert (
        Template("{% load choices %}{% options items None %}").render(Context({"items": [("a", "A")]}))
        == '<option value="a">A</option>'
    )
