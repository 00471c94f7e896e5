"""Certificate templates: the shipped one loads, and every way a training officer can get
one wrong is told with the file, line and column, before any certificate is issued."""

from __future__ import annotations

from pathlib import Path

import pytest
from certificate_support import make_payload
from pdf_support import REPO

from trainer.certificates.errors import CertificateError, TemplateError
from trainer.certificates.template import (
    WORDING,
    CertificateTemplate,
    load_template,
    render_wording,
    template_path,
)
from trainer.content.locate import shipped_course_root

FILE = "certificates/completion.yaml"
# Line 4 is the statement's key; its text starts on line 5, column 3.
MINIMAL = """\
title: Certificate of Completion
heading: "{{ agency }}"
preamble: This certifies that
statement: >-
  has completed {{ course.title }}
  with {{ score.percent }}%.
verify: Verify with trainer certificate verify.
seal: "{{ provider.name }}"
signatory:
  name: Sgt. Dana Reyes
  title: Training Officer
"""


def write(root: Path, text: str) -> Path:
    path = template_path(root, "completion")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def with_statement(root: Path, *lines: str) -> Path:
    body = "".join(f"  {line}\n" for line in lines)
    text = MINIMAL.replace(
        "  has completed {{ course.title }}\n  with {{ score.percent }}%.\n", body
    )
    return write(root, text)


def problems(path: Path) -> list[str]:
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert isinstance(caught.value, CertificateError)
    return list(caught.value.problems)


def test_the_shipped_template_loads_from_the_course_root() -> None:
    template = load_template(template_path(shipped_course_root(), "completion"))
    assert isinstance(template, CertificateTemplate)
    assert template.source == FILE
    assert template.fields == WORDING
    assert template.signatory.name
    assert template.page_size == "letter"
    assert template_path(REPO, "completion") == REPO / "certificates" / "completion.yaml"


def test_wording_renders_with_learner_text_escaped(tmp_path: Path) -> None:
    template = load_template(with_statement(tmp_path, "<b>{{ learner.name }}</b> of {{ agency }}"))
    payload = make_payload(learner_name="<b>A</b> & <font size=200>", agency="</para>")
    wording = render_wording(template, payload)
    assert wording["statement"] == (
        "<b>&lt;b&gt;A&lt;/b&gt; &amp; &lt;font size=200&gt;</b> of &lt;/para&gt;"
    )
    assert set(wording) == set(WORDING)


def test_the_shipped_wording_names_course_track_and_refresher_title() -> None:
    template = load_template(template_path(REPO, "completion"))
    wording = render_wording(template, make_payload())
    assert wording["title"] == "Certificate of Recertification"
    assert "Social Media and the Sworn Officer" in wording["statement"]
    assert "annual refresher" in wording["statement"]
    assert "course control number POST-24-0311" in wording["footer"]
    onboarding = render_wording(template, make_payload(track="onboarding", control_number=None))
    assert onboarding["title"] == "Certificate of Completion"
    assert "control" not in onboarding["footer"]


def test_an_unknown_variable_is_located_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, "has completed", "{{ cours.title }}"))
    assert found == [f"{FILE}:6:6: statement: unknown variable 'cours' (did you mean 'course'?)"]


def test_an_unknown_field_is_located_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, "{{ learner.nmae }} passed"))
    assert found == [
        f"{FILE}:5:14: statement: unknown field 'learner.nmae' (did you mean 'learner.name'?)"
    ]


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    found = problems(
        with_statement(tmp_path, "has completed", "{% if expires %}until {{ expires }}", "end")
    )
    assert len(found) == 1
    assert found[0].startswith(f"{FILE}:")
    assert "statement: template syntax:" in found[0]
    assert "endif" in found[0]
    line = int(found[0].split(":")[1])
    assert 5 <= line <= 7


@pytest.mark.parametrize(
    ("escape", "where"),
    [
        ("{{ ''.__class__.__mro__ }}", "6:9: statement: security: '__class__'"),
        ("{{ cycler.__init__.__globals__ }}", "6:13: statement: security: '__init__'"),
    ],
)
def test_reaching_python_internals_is_a_security_error(
    tmp_path: Path, escape: str, where: str
) -> None:
    found = problems(with_statement(tmp_path, "has completed", escape))
    assert len(found) == 1
    assert found[0].startswith(f"{FILE}:{where} reaches into Python internals")


def test_a_mutating_call_is_stopped_by_the_sandbox_when_loading(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, "{{ modules.append(1) }}"))
    assert len(found) == 1
    assert found[0].startswith(f"{FILE}:5:3: statement: security: ")


def test_autoescape_false_is_refused(tmp_path: Path) -> None:
    found = problems(
        with_statement(tmp_path, "{% autoescape false %}{{ learner.name }}{% endautoescape %}")
    )
    assert found == [
        f"{FILE}:5:6: statement: '{{% autoescape %}}' is not allowed: learner and course "
        "text is always escaped, so that a name prints exactly as written"
    ]


def test_the_safe_filter_is_not_available(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, "{{ learner.name | safe }}"))
    assert len(found) == 1
    assert found[0].startswith(f"{FILE}:5:21: statement: the 'safe' filter is not available")


def test_an_unknown_filter_gets_a_suggestion(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, "{{ learner.name | uper }}"))
    assert found == [f"{FILE}:5:21: statement: unknown filter 'uper' (did you mean 'upper'?)"]


def test_tags_that_read_files_or_link_are_refused(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, '<img src="/etc/passwd"/> {{ agency }}'))
    assert len(found) == 1
    assert "the tag <img> is not allowed" in found[0]
    found = problems(with_statement(tmp_path, '<font name="Courier">x</font>'))
    assert "<font> may not have 'name'" in found[0]


def test_unclosed_markup_is_located(tmp_path: Path) -> None:
    found = problems(with_statement(tmp_path, "<b>{{ agency }}"))
    assert len(found) == 1
    assert found[0].startswith(f"{FILE}:5:3: statement: the markup is not well formed")


def test_yaml_mistakes_are_all_reported_at_once(tmp_path: Path) -> None:
    text = MINIMAL.replace("signatory:\n", "colour:\n  ink: '#000000'\nsignatory:\n")
    text += "colours:\n  ink: navy\ntime_zone: Mars/Olympus\n"
    found = problems(write(tmp_path, text))
    assert any(
        p.startswith(f"{FILE}:9:1: ") and "unknown key 'colour'" in p and "colours" in p
        for p in found
    ), found
    assert any(p.startswith(f"{FILE}:15:8: ") and "#1B2A41" in p for p in found), found


def test_an_unknown_time_zone_is_located(tmp_path: Path) -> None:
    found = problems(write(tmp_path, MINIMAL + "time_zone: Mars/Olympus\n"))
    assert found == [
        f"{FILE}:12:12: unknown time zone 'Mars/Olympus': use an IANA name such as "
        "America/Chicago or Europe/London, or UTC"
    ]


def test_a_missing_signatory_is_located(tmp_path: Path) -> None:
    found = problems(write(tmp_path, MINIMAL.split("signatory:")[0]))
    assert len(found) == 1
    assert "missing required key 'signatory'" in found[0]


def test_a_missing_template_lists_the_ones_there(tmp_path: Path) -> None:
    write(tmp_path, MINIMAL)
    with pytest.raises(CertificateError) as caught:
        load_template(template_path(tmp_path, "refresher"))
    assert str(caught.value) == (
        "certificates/refresher.yaml: no such certificate template (templates here: 'completion')"
    )


def test_dates_follow_the_template_zone_and_style(tmp_path: Path) -> None:
    text = MINIMAL.replace("  with {{ score.percent }}%.\n", "  on {{ completed_at }}.\n")
    template = load_template(
        write(tmp_path, text + "time_zone: America/Chicago\ndates: international\n")
    )
    wording = render_wording(template, make_payload())
    assert wording["statement"].endswith("on 4 May 2026, 09:03 CDT.")


def test_the_wheel_section_ships_the_templates() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"certificates" = "trainer/_content/certificates"' in pyproject


def test_a_failure_only_one_learners_facts_meet_names_the_line_when_issuing(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        MINIMAL.replace(
            "statement: >-\n  has completed {{ course.title }}\n  with {{ score.percent }}%.\n",
            "statement: |-\n  has completed {{ course.title }}\n"
            '  {% if learner.badge == "13" %}{{ score.earned // 0 }}{% endif %}\n',
        ),
    )
    template = load_template(path)  # the sample facts' badge is not 13
    assert render_wording(template, make_payload())["statement"].startswith("has completed")
    with pytest.raises(CertificateError) as caught:
        render_wording(template, make_payload(badge="13"))
    assert str(caught.value) == (
        f"{FILE}:6:3: statement: ZeroDivisionError: integer division or modulo by zero"
    )
