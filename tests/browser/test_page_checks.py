"""The checks every journey relies on do catch what they promise to."""

import pytest
from django.urls import reverse

from tests.browser.support import assert_chinese, assert_fits_the_screen, broken_images


def test_page_checks_catch_errors_missing_files_broken_images_and_external_requests(
    open_page, page_problems
):
    page = open_page()
    page.goto("/admin/login/")
    page.evaluate(
        """() => {
        console.error("boom");
        const img = document.createElement("img");
        img.src = "/static/admin/img/no-such-file.svg";
        document.body.append(img);
        const script = document.createElement("script");
        script.src = "https://cdn.example.invalid/lib.js";  // the CSP refuses it
        document.body.append(script);
        window.open("https://cdn.example.invalid/page");  // no CSP there: the route refuses it
    }"""
    )
    page.wait_for_load_state("networkidle")
    found = "\n".join(page_problems.found)
    assert "console error: boom" in found
    assert "HTTP 404: GET" in found and "no-such-file.svg" in found
    assert "violates the following Content Security Policy directive" in found
    assert "external request: https://cdn.example.invalid/page" in found
    assert [src.rsplit("/", 1)[-1] for src in broken_images(page)] == ["no-such-file.svg"]
    with pytest.raises(AssertionError, match="problems on the pages"):
        page_problems.assert_clean()


def test_chinese_check_names_the_untranslated_words(open_page):
    page = open_page()
    page.goto("/admin/login/")
    assert_chinese(page)
    page.evaluate("() => document.body.append('Please log in again')")
    with pytest.raises(AssertionError, match="'Please' in: Please log in again"):
        assert_chinese(page)


def test_an_expected_error_response_is_not_a_problem(open_page, page_problems):
    page = open_page()
    page_problems.allow(404, "/static/admin/css/no-such-file.css")
    response = page.goto("/static/admin/css/no-such-file.css")
    assert response.status == 404
    page_problems.assert_clean()


def test_fit_check_catches_a_list_squeezed_until_names_break(page_as, li_ming):
    page = page_as("clerk")
    page.goto(reverse("admin:accounts_insuredperson_changelist"))
    assert_fits_the_screen(page)  # at 1366×768 the person list fits
    page.add_style_tag(content="#result_list td, #result_list th { white-space: normal; }")
    page.set_viewport_size({"width": 520, "height": 768})
    with pytest.raises(AssertionError, match="scrolls sideways|breaks over"):
        assert_fits_the_screen(page)
