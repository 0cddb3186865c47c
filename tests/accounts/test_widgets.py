"""The Python-built selects produce what Django's template-rendered ones do (modulo white
space between tags): the same names, attributes, values, labels, escaping and selection."""

import re

import pytest
from django import forms

from accounts.widgets import SearchableSelect, SearchableSelectMultiple

CHOICES = [
    ("", "---------"),
    ("650000", "新疆维吾尔自治区"),
    ("x\"<&'", "<script>alert(1)</script> & “引号”"),
    ("重点", [("a", "甲 & 乙"), ("b", "丙")]),
]


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("value", [None, "650000", "x\"<&'", "b"])
def test_searchable_select_renders_as_django_select(value):
    ours = SearchableSelect(attrs={"id": "id_region", "required": True}, choices=CHOICES)
    django = forms.Select(
        attrs={"data-searchable": "1", "id": "id_region", "required": True}, choices=CHOICES
    )
    assert squeeze(ours.render("region", value)) == squeeze(django.render("region", value))


def test_searchable_select_multiple_renders_as_django_select_multiple():
    ours = SearchableSelectMultiple(attrs={"id": "id_team"}, choices=CHOICES[1:])
    django = forms.SelectMultiple(
        attrs={"data-searchable": "1", "id": "id_team"}, choices=CHOICES[1:]
    )
    value = ["650000", "a"]
    assert squeeze(ours.render("team", value)) == squeeze(django.render("team", value))
    assert squeeze(ours.render("team", value)).count(" selected") == 2


def test_labels_and_values_are_escaped():
    html = SearchableSelect(choices=CHOICES).render("region", None)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “引号”" in html
    assert 'value="x&quot;&lt;&amp;&#x27;"' in html
