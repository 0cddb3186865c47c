"""Benchmark: rendering an advisory report to PDF, and a watermarked download of it.

1. Generates a throw-away database (SQLite, or BENCH_DATABASE_URL, which must exist and be
   empty) with one issued report of about 14 pages: generated Chinese text under 一、 and
   （一） headings, a table and a footnote, addressed and copied to three bodies.
2. Times, in the same run, (a) the project's rendering, `render_pdf` (the HTML from the
   template and the restricted Markdown, our URL fetcher, WeasyPrint) against (b) plain
   WeasyPrint rendering the same HTML and stylesheet written to a temporary directory, with
   its default fetcher and no project code. Medians over --repeat runs each, interleaved,
   and their ratio (goal ≤ 1.5×).
3. Times (c) watermarked downloads of the cached PDF through `report_download` (the cached
   file read, the Download row logged, the stamp): p50 and p95 over --downloads runs (goal
   ≤ 50 ms), and the stamp alone on the same bytes.
4. Prints the page count (must be 14 ± 1).

    .venv/bin/python bench/report_pdf.py [--repeat 5] [--downloads 100]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Phrases the generated paragraphs are drawn from: the vocabulary of a report on bottleneck
# problems, so line breaking and glyph coverage are those of real text.
PHRASES = (
    "南疆节水灌溉关键部件长期依赖进口",
    "滴灌带专用料和压力补偿滴头的国产化率不足三成",
    "企业反映核心工艺参数难以稳定控制",
    "自治区科协组织相关学会和高校专家开展了实地调研",
    "覆盖塔城、喀什、阿克苏等七个地州市的四十余家企业",
    "检测仪器和工业软件的短板尤为突出",
    "高端装备的维修保障周期普遍超过三个月",
    "建议设立自治区级关键核心技术攻关专项",
    "以“揭榜挂帅”方式组织产学研联合攻关",
    "发挥对口援疆省市科研力量的支撑作用",
    "完善首台（套）装备和首批次材料的应用激励政策",
    "加快建设面向中小企业的共性技术服务平台",
    "推动科技成果在疆转化落地",
    "强化人才引进和本地技术骨干培养",
    "健全问题征集、专家会诊、课题攻关的闭环机制",
    "相关部门应加强统筹协调并明确责任分工",
    "据不完全统计，二〇二五年相关进口额达到十二亿元",
    "棉花机采配套装备的关键零部件仍有较大缺口",
    "盐碱地改良和高盐废水处理技术需求迫切",
    "锂电池正极材料和光伏电池辅材产业链亟待补链强链",
)
SECTIONS = (
    ("一、基本情况", ("（一）调研范围", "（二）主要做法")),
    (
        "二、存在的主要问题",
        ("（一）关键部件依赖进口", "（二）共性技术供给不足", "（三）人才支撑薄弱"),
    ),
    ("三、原因分析", ("（一）创新投入结构有待优化", "（二）成果转化机制不畅")),
    ("四、对策建议", ("（一）设立攻关专项", "（二）完善应用激励", "（三）建设服务平台")),
)
PARAGRAPHS_PER_SUBSECTION = 3


def paragraph(rng: random.Random, sentences: int) -> str:
    parts = []
    for _ in range(sentences):
        clause = "，".join(rng.sample(PHRASES, rng.randint(2, 3)))
        parts.append(clause + "。")
    return "".join(parts)


def report_body(seed: int = 2026) -> str:
    """Markdown of a ~14-page report body: four 一、 sections of （一） subsections, a table
    in the second section and a footnote."""
    rng = random.Random(seed)
    lines = []
    for number, (heading, subsections) in enumerate(SECTIONS):
        lines += [heading, ""]
        for sub_number, subheading in enumerate(subsections):
            lines += [subheading, ""]
            for index in range(PARAGRAPHS_PER_SUBSECTION):
                text = paragraph(rng, rng.randint(3, 5))
                if number == 0 and sub_number == 0 and index == 0:
                    text += "[^1]"
                lines += [text, ""]
            if number == 1 and sub_number == 0:
                lines += [
                    "| 类别 | 典型产品 | 进口依赖度 | 涉及企业（家） |",
                    "| --- | --- | --- | --- |",
                    *(
                        f"| {kind} | {product} | {share}% | {count} |"
                        for kind, product, share, count in (
                            ("关键零部件", "压力补偿滴头", 72, 14),
                            ("关键材料", "滴灌带专用料", 65, 9),
                            ("检测仪器", "在线水质分析仪", 88, 6),
                            ("工业软件", "灌溉调度系统", 54, 11),
                            ("高端装备", "采棉机清杂部件", 61, 8),
                        )
                    ),
                    "",
                ]
    lines += ["[^1]: 数据来源：自治区科协2026年产业发展“卡脖子”问题征集汇总。", ""]
    return "\n".join(lines)


def setup_database() -> None:
    tmp = tempfile.mkdtemp(prefix="zhiku-bench-pdf-")
    os.environ["DATABASE_URL"] = os.getenv("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["CELERY_BROKER_URL"] = ""  # nothing rendered on save: the bench renders
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate_report():
    """An issued report of the 智库专报 series with the generated body, and an official."""
    from accounts.models import GovernmentBody, Region, User
    from consult.models import Series
    from consult.services.reports import report_create, report_transition

    root = Region.objects.get(code="650000")
    staff = User.objects.create_user(
        username="bench_staff", password=None, role=User.Role.STAFF, region=root
    )
    bodies = [
        GovernmentBody.objects.create(name=name, region=root)
        for name in ("自治区人民政府办公厅", "自治区科技厅", "自治区工业和信息化厅")
    ]
    official = User.objects.create_user(
        username="bench_official",
        password=None,
        display_name="阿依古丽·买买提",
        role=User.Role.OFFICIAL,
        government_body=bodies[0],
    )
    report = report_create(
        series=Series.objects.get(code="zkzb"),
        region=root,
        title="关于加快南疆节水灌溉关键部件国产化的建议",
        summary="南疆节水灌溉关键部件依赖进口，建议设立专项攻关，完善首台（套）应用激励。",
        body=report_body(),
        authors="自治区科协智库课题组",
        addressees=bodies[:2],
        copies=bodies[2:],
        by=staff,
    )
    for to in ("review", "approved", "issued"):
        report = report_transition(report, to, by=staff)
    return report, official


def write_plain_copy(revision, directory: Path) -> Path:
    """The same document for plain WeasyPrint: the HTML with the stylesheet and figures as
    files beside it, addressed relatively."""
    from django.contrib.staticfiles import finders

    from consult.pdf.html import STYLESHEET, revision_html

    (directory / "report.css").write_bytes(Path(finders.find(STYLESHEET)).read_bytes())
    for image in revision.report.images.all():
        (directory / f"image-{image.pk}").write_bytes(image.file.read())
    html = revision_html(revision, stylesheet_url="report.css", image_url=lambda pk: f"image-{pk}")
    path = directory / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5, help="renders of each kind")
    parser.add_argument("--downloads", type=int, default=100, help="watermarked downloads")
    args = parser.parse_args()

    setup_database()
    import logging

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per page
    import weasyprint

    from consult.pdf.cache import render_pdf, revision_pdf
    from consult.pdf.watermark import stamp
    from consult.services.downloads import report_download
    from consult.services.reports import current_revision

    report, official = generate_report()
    revision = current_revision(report)
    directory = Path(tempfile.mkdtemp(prefix="zhiku-bench-pdf-html-"))
    html_path = write_plain_copy(revision, directory)

    def plain() -> tuple[bytes, int]:
        document = weasyprint.HTML(
            string=html_path.read_text(encoding="utf-8"), base_url=str(directory)
        ).render()
        return document.write_pdf(), len(document.pages)

    # One untimed run of each: fonts loaded, caches warm.
    ours_pdf, ours_pages = render_pdf(revision)
    plain_pdf, plain_pages = plain()
    ours, baseline = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        render_pdf(revision)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        plain()
        baseline.append(time.perf_counter() - start)

    data = revision_pdf(revision)  # renders once more and stores it: the downloads' cache
    report_download(report, user=official)  # glyph outlines loaded
    downloads = []
    for _ in range(args.downloads):
        start = time.perf_counter()
        stamped, _download = report_download(report, user=official, ip_address="10.0.0.1")
        downloads.append((time.perf_counter() - start) * 1000)
    stamps = []
    for index in range(args.downloads):
        start = time.perf_counter()
        stamp(data, name="阿依古丽·买买提", body="自治区人民政府办公厅", code=f"BENCH{index:05d}")
        stamps.append((time.perf_counter() - start) * 1000)

    ours_median, plain_median = statistics.median(ours), statistics.median(baseline)
    print(f"report: {revision.title} ({len(report.body)} characters of Markdown)")
    print(f"pages: {ours_pages} (plain WeasyPrint: {plain_pages}); goal 14 ± 1")
    print(f"PDF: {len(ours_pdf) / 1024:.0f} KiB (plain WeasyPrint {len(plain_pdf) / 1024:.0f} KiB)")
    print(f"{'':44} {'median s':>9}")
    print(f"{'(a) render_pdf (template, fetcher, WeasyPrint)':44} {ours_median:9.3f}")
    print(f"{'(b) plain WeasyPrint, same HTML from files':44} {plain_median:9.3f}")
    print(f"ratio (a)/(b): {ours_median / plain_median:.2f}x (goal <= 1.5x), {args.repeat} runs")
    print(f"{'':44} {'p50 ms':>9} {'p95 ms':>9}")
    print(
        f"{'(c) report_download from the cache':44} "
        f"{statistics.median(downloads):9.1f} {percentile(downloads, 0.95):9.1f}"
    )
    print(
        f"{'    of which stamp() alone':44} "
        f"{statistics.median(stamps):9.1f} {percentile(stamps, 0.95):9.1f}"
    )
    print(f"stamped PDF: {len(stamped) / 1024:.0f} KiB; goal p50 <= 50 ms, {args.downloads} runs")


if __name__ == "__main__":
    main()
