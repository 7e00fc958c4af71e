from django import template
from django.utils.html import format_html

from cities4csr.core.templatetags.money import quantity

register = template.Library()


@register.simple_tag
def line_progress(line):
    """A resource line: what it asks for, how much of it is committed, and a progress bar. Python
    rather than an included template: the catalogue draws one for every line of every card."""
    percent = line.percent
    return format_html(
        '<div class="mb-2"><div class="d-flex justify-content-between"><span>{}: {}</span><span>{} / {}</span></div>'
        '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0"'
        ' aria-valuemax="100"><div class="progress-bar" style="width: {}%">{}%</div></div></div>',
        line.kind_label,
        line.label,
        quantity(line.committed, line),
        quantity(line.quantity, line),
        line.label,
        percent,
        percent,
        percent,
    )
