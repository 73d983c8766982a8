"""The print machinery's own checks."""

from core.printing import check_print_fonts


def test_missing_print_font_is_reported_by_the_system_check(settings, tmp_path):
    assert check_print_fonts() == []
    settings.YIBAO_PRINT_FONTS = {"regular": str(tmp_path / "none.ttc")}
    assert [w.id for w in check_print_fonts()] == ["yibao.W001"]
