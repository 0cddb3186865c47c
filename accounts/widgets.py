"""Select widgets for long lists (regions, industries, disciplines, experts...), built in Python.

Django renders every <option> through a template include of its own: about 0.1 ms an option,
so a filter form with a region and an industry list (about 300 options) spent some 40 ms a page
on its selects. These produce the same markup from the same context (`get_context`, so
`optgroups`, `attrs` and selection are Django's) in a fraction of that. `data-searchable` marks
them for the vendored tom-select, which turns them into type-to-search boxes."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _options(choices) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
            for option in choices
        ),
    )


class _FastRender:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(
                    format_html(
                        '<optgroup label="{}">{}</optgroup>', group_name, _options(group_choices)
                    )
                )
            else:
                parts.append(_options(group_choices))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


class SearchableSelect(_FastRender, forms.Select):
    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "1", **(attrs or {})}, choices)


class SearchableSelectMultiple(_FastRender, forms.SelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "1", **(attrs or {})}, choices)
