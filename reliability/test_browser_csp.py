"""The API docs (Swagger UI) and the admin work in a real browser under the Content-Security-Policy:
they render (the admin after enrolling its second factor), and the browser reports no CSP violation
and no console error. Debian's Chromium,
driven by Playwright (never a downloaded browser)."""

import shutil
from pathlib import Path

import pyotp
import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
# Every CSP violation the page sees, kept in the page (a console message is not always printed).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def test_api_docs_and_admin_render_with_no_csp_violation(database, gunicorn, browser, figures, tmp_path):
    server = gunicorn(database)
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    seen = {}

    def visit(name: str, url: str, ready: str) -> None:
        page.goto(server.base + url)
        page.wait_for_selector(ready, timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=False)
        seen[name] = page.evaluate("window.__csp")

    visit("api-docs", "/api/docs/", ".swagger-ui .opblock")
    operations = page.locator(".swagger-ui .opblock").count()
    visit("admin-login", "/admin/login/", "#login-form")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "admin-demo-pass")
    page.click("input[type=submit]")
    # The administrator's first sign-in enrols a second factor (an authenticator app), then goes on.
    page.wait_for_url("**/mfa/enrol/**")
    page.fill("#id_code", pyotp.TOTP(page.inner_text("#totp-secret").strip()).now())
    page.click("form.stacked button[type=submit]")
    page.click("text=Continue")
    page.wait_for_selector("#content-main")
    seen["admin-index"] = page.evaluate("window.__csp")
    page.screenshot(path=str(tmp_path / "admin-index.png"))
    visit("admin-case", "/admin/cases/case/?q=JA-P-SAA", "#result_list")

    # Browsers ask every site for /favicon.ico; the app has none (the pages link their own icons).
    failed = [line for line in failed if not line.endswith("/favicon.ico")]
    errors = [
        line
        for line in console
        if line.startswith("pageerror") or (line.startswith("error") and "Failed to load resource" not in line)
    ]
    violations = {name: found for name, found in seen.items() if found}
    figures(
        f"Chromium: /api/docs/ rendered {operations} operations; admin login, index and case list rendered; "
        f"CSP violations: {sum(len(v) for v in seen.values())}; console errors: {len(errors)}; failed loads: "
        f"{len(failed)}; screenshots in {tmp_path}"
    )
    assert operations >= 20
    assert violations == {}
    assert errors == [], errors
    assert failed == [], failed
