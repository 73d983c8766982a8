"""What a person sees, checked: Chinese text, an error next to its field, admin widgets.

Plain functions taking a Playwright ``Page``; the fixtures in ``conftest.py`` hand
out the pages.
"""

import re

from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import PASSWORD
from staff.tests.totp import device_code

# English a Chinese back office legitimately shows: abbreviations and brand names.
ALLOWED_ENGLISH = frozenset(
    {"ID", "PDF", "CSV", "Excel", "XLSX", "JPEG", "PNG", "MB", "Django", "PIPL"}
)
# Missing from Django 5.2's own zh_Hans catalogue (not the project's msgids):
# "Error:" starts the title of a form with errors.
DJANGO_UNTRANSLATED = frozenset({"Error"})

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@'’-]*")

# The text nodes a person sees: rendered, not transparent, and not inside the
# clipped 1px box of "visually-hidden" screen-reader text; buttons, placeholders and the chosen
# option of a select are attributes or not laid out, so they are added by hand.
_VISIBLE_TEXT = """() => {
  const clipped = (el) => {
    for (let a = el; a; a = a.parentElement) {
      const style = getComputedStyle(a), box = a.getBoundingClientRect();
      const clips = style.overflow === "hidden" || style.clip !== "auto";
      if (clips && (box.width <= 1 || box.height <= 1)) return true;
    }
    return false;
  };
  const seen = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    && !clipped(el);
  const parts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || ["SCRIPT", "STYLE", "OPTION"].includes(el.tagName)) continue;
    if (seen(el)) parts.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll("input[type=submit], input[type=button]")) {
    if (seen(el)) parts.push(el.value);
  }
  for (const el of document.querySelectorAll("[placeholder]")) {
    if (seen(el)) parts.push(el.placeholder);
  }
  for (const el of document.querySelectorAll("select")) {
    if (seen(el)) parts.push(...[...el.selectedOptions].map((o) => o.text));
  }
  return parts.join("\\n");
}"""


def english_words(text: str, allow=()) -> list[tuple[str, str]]:
    """(word, line) for each English word of ``text`` that is not allowed.

    Tokens with a digit or ``@`` are data (usernames, codes, numbers), not words.
    """
    allowed = ALLOWED_ENGLISH | DJANGO_UNTRANSLATED | set(allow)
    found = []
    for line in text.splitlines():
        for token in _TOKEN.findall(line):
            word = token.strip(".-_'’")
            if len(word) < 2 or "@" in word or any(c.isdigit() for c in word):
                continue
            if word not in allowed:
                found.append((word, line.strip()))
    return found


def assert_chinese(page, allow=()) -> None:
    """Fail listing every English word on the page that should have been translated."""
    found = english_words(page.evaluate(_VISIBLE_TEXT), allow)
    assert not found, f"untranslated English on {page.url}:\n" + "\n".join(
        f"  {word!r} in: {line}" for word, line in found
    )


def field_error(page, name: str) -> str:
    """The error text shown for form field ``name``, checked to sit next to the field.

    Django links a field to its error list (``aria-describedby``, id
    ``id_<name>_error``) and marks it invalid; "next to" means the list is on
    screen within a line or two of the field.
    """
    field = page.locator(f"#id_{name}")
    errors = page.locator(f"#id_{name}_error")
    assert field.get_attribute("aria-invalid") == "true", f"{name} is not marked invalid"
    assert errors.is_visible(), f"no error shown for {name}"
    field_box, error_box = field.bounding_box(), errors.bounding_box()
    if field_box is None:  # a select replaced by an autocomplete widget: use its row
        field_box = page.locator(f".field-{name}").bounding_box()
    gap = abs(error_box["y"] - field_box["y"])
    assert gap < 100, f"the error of {name} is {gap:.0f}px away from the field"
    return errors.inner_text().strip()


def choose_autocomplete(page, name: str, search: str, option: str) -> None:
    """Pick ``option`` in the admin's autocomplete widget of field ``name``, as a clerk does."""
    page.locator(f".field-{name} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Through the login form, as a person does; waits for the admin index.

    A user with an authenticator app (every supervisor: ``make_user`` gives them one)
    then enters its code on the second-factor page, computed as the app would
    (``staff.tests.totp``)."""
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is not None:
        page.wait_for_url("**/admin/sign-in/second-factor/**")
        page.fill("#id_token", device_code(device))
        page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def broken_images(page) -> list[str]:
    """Images that loaded nothing a browser could draw (a 200 with bad content, too)."""
    return page.evaluate(
        "() => [...document.images].filter((i) => i.complete && !i.naturalWidth).map((i) => i.src)"
    )


# Lists at a hall PC's 1366×768: nothing wider than the window, no table that needs
# its own sideways scroll bar, and no cell whose short text (a name) breaks over lines.
_SIDEWAYS = """() => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth) {
    found.push(`the page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`);
  }
  for (const el of document.querySelectorAll(".results, table")) {
    if (el.scrollWidth > el.clientWidth + 1) {
      found.push(`${el.id || el.className || el.tagName} scrolls sideways ` +
                 `(${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
  }
  const cells = document.querySelectorAll("#result_list td, #result_list th");
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (text.length < 2 || text.length > 12) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) found.push(`"${text}" breaks over ${lines.size} lines`);
    }
  }
  return found;
}"""


def assert_fits_the_screen(page) -> None:
    """Fail naming each list or page that scrolls sideways or breaks a short cell."""
    found = page.evaluate(_SIDEWAYS)
    assert not found, f"does not fit at {page.viewport_size}: {page.url}\n" + "\n".join(
        f"  {f}" for f in found
    )
