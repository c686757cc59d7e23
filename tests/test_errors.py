"""Error pages: branded, translated, and never a stack trace."""
from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("language,text", [("en", "Page not found"), ("zh-hant", "找不到頁面"),
                                           ("zh-hans", "找不到页面")])
def test_unknown_page_is_a_translated_404(language, text):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/seasons/no-such-season/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_500_page_stands_alone(settings):
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "Something went wrong" in html and "服务器发生错误" in html
