"""The restricted Markdown of report bodies: what authors may write comes out as the paper
expects; anything else (scripts, styles, handlers, links, foreign images) does not."""

import pytest

from consult.markdown import image_references, render


def url(pk: int) -> str:
    return f"/consult/reports/1/images/{pk}/"


def test_headings_by_hashes_and_by_numbering():
    html = render(
        "## 一、基本情况\n\n正文。\n\n### （一）小节\n\n二、建议\n\n（二）加强统筹\n\n#### 1. 细目"
    )
    assert html == (
        '<h2 class="level-1">一、基本情况</h2>\n<p>正文。</p>\n'
        '<h3 class="level-2">（一）小节</h3>\n'
        '<h2 class="level-1">二、建议</h2>\n'
        '<h3 class="level-2">（二）加强统筹</h3>\n'
        '<h4 class="level-3">1. 细目</h4>\n'
    )


def test_a_numbered_sentence_stays_a_paragraph():
    # A full sentence (with 。) is body text, not a heading.
    assert render("一、南疆节水灌溉面积持续扩大。") == "<p>一、南疆节水灌溉面积持续扩大。</p>\n"


def test_lists():
    assert render("- 甲\n- 乙\n\n1. 一\n2. 二\n") == (
        "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n<ol>\n<li>一</li>\n<li>二</li>\n</ol>\n"
    )


def test_table_alignment_becomes_a_class_not_a_style():
    html = render("| 指标 | 现状 | 目标 |\n|:--|:-:|--:|\n| 纯度 | 99.9% | 99.9999% |\n")
    assert "style" not in html
    assert '<th class="align-left">指标</th>' in html
    assert '<th class="align-center">现状</th>' in html
    assert '<td class="align-right">99.9999%</td>' in html
    assert '<td class="align-center">99.9%</td>' in html


def test_table_without_alignment_has_no_class():
    assert "<th>a</th>" in render("| a |\n|---|\n| 1 |\n")


def test_raw_classes_outside_the_allowed_set_are_dropped():
    html = render('<table><tr><td class="align-right evil" style="color:red">x</td></tr></table>')
    assert html == '<table><tbody><tr><td class="align-right">x</td></tr></tbody></table>'


def test_footnotes():
    html = render("节水[^1]\n\n[^1]: 据自治区水利厅统计。\n")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>' in html
    assert '<li id="fn1" class="footnote-item"><p>据自治区水利厅统计。' in html
    assert '<a href="#fnref1" class="footnote-backref">' in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>正文",
        "<style>p{color:red}</style>正文",
        '<p onclick="alert(1)">正文</p>',
        '<p style="position:fixed">正文</p>',
        "<iframe src='https://evil.example'></iframe>正文",
    ],
)
def test_scripts_styles_and_handlers_are_removed(text):
    html = render(text)
    assert "正文" in html
    for forbidden in ("<script", "alert", "<style", "color:red", "onclick", "style=", "iframe"):
        assert forbidden not in html


def test_links_are_not_links():
    html = render(
        '[点我](javascript:alert(1)) <a href="javascript:alert(2)">x</a> [站](https://a.cn)'
    )
    assert "href" not in html
    assert "<a>x</a>" in html


def test_only_footnote_anchors_survive_as_links():
    html = render('<a href="#fn1">x</a> <a href="/admin/">y</a> <a href="#top">z</a>')
    assert html == '<p><a href="#fn1">x</a> <a>y</a> <a>z</a></p>\n'


def test_title_and_lang_attributes_are_dropped():
    assert render('<p title="t" lang="en">x</p>') == "<p>x</p>"


def test_own_image_is_shown_at_its_address():
    html = render("![图1 灌溉面积](image:5)", image_ids=[5], image_url=url)
    assert html == '<p><img src="/consult/reports/1/images/5/" alt="图1 灌溉面积"></p>\n'


@pytest.mark.parametrize(
    "text",
    [
        "![远程](https://evil.example/x.png)",
        "![文件](file:///etc/passwd)",
        "![数据](data:image/png;base64,iVBORw0KGgo=)",
        '<img src="https://evil.example/x.png">',
        '<img src="file:///etc/passwd">',
        "![他人](image:6)",
        '<img src="image:6">',
        '<img alt="他人" src="image:6" title="t">',
        '![他人](image:6 "title")',
        "<img>",
    ],
)
def test_foreign_images_are_removed(text):
    html = render(text, image_ids=[5], image_url=url)
    assert "<img" not in html
    assert "src=" not in html


def test_own_image_survives_any_attribute_order_and_loses_extra_attributes():
    html = render(
        '<img alt="图" src="image:5" title="t" onerror="alert(1)" width="9">'
        ' ![图2](image:5 "标题")',
        image_ids=[5],
        image_url=url,
    )
    assert html == (
        '<p><img src="/consult/reports/1/images/5/" alt="图"> '
        '<img src="/consult/reports/1/images/5/" alt="图2"></p>\n'
    )


def test_image_address_and_alt_are_escaped():
    html = render(
        '<img src="image:5" alt="a&quot;b>c">',
        image_ids=[5],
        image_url=lambda pk: f'/x/?a={pk}&b="',
    )
    assert html == '<img src="/x/?a=5&amp;b=&quot;" alt="a&quot;b&gt;c">'


def test_default_image_address_is_the_reference():
    assert render("![x](image:7)", image_ids={7}) == '<p><img src="image:7" alt="x"></p>\n'


def test_empty_text():
    assert render("") == ""
    assert render(None) == ""


def test_image_references():
    assert image_references("![a](image:3) ![b](image:12) image:3") == {3, 12}
    assert image_references("") == set()
