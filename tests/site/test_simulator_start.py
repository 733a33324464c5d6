"""The simulator's start never waits forever, and never runs or saves an engine the manifest does not
name: a runtime file that fails, a worker killed while it starts, going offline and back, and a
deploy seen half old and half new."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from tests.site.test_simulator import FIRST_RESULT_TIMEOUT, open_simulator, wait_for_subsidy

SNAPSHOTS = "kaigo-ict:/:engine-snapshot"
# The page's start deadlines, scaled down for a test (the page reads this; 1 is the real deadline).
FAST_DEADLINES = "window.__simulatorDeadlineScale = 0.03;"


def runtime_says(page: Any, words: str, timeout: float = 60_000) -> None:
    page.wait_for_function(
        "w => document.getElementById('sim-runtime-text').textContent.includes(w)", arg=words, timeout=timeout
    )


def test_a_runtime_file_that_fails_ends_in_a_message_a_retry_and_a_start_once_back_online(
    browser: Any, base_url: str
) -> None:
    """A failed fetch of pyodide.asm.wasm made loadPyodide never settle: the page said 「読み込んで
    います…」 forever. Now each stage has its deadline; past the restarts the page says what failed,
    offers the retry button, and starts again by itself when the browser is back online."""
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.add_init_script(FAST_DEADLINES)
    page.route("**/pyodide.asm.wasm", lambda route: route.abort("internetdisconnected"))
    page.goto(base_url + "simulator/")
    page.wait_for_selector("#sim-retry:not([hidden])", timeout=FIRST_RESULT_TIMEOUT)
    said = page.inner_text("#sim-runtime-text")
    assert "もう一度試す" in said and "入力した内容はそのままです" in said, said
    page.click("#sim-example")  # the form is usable while the engine is down
    page.fill("#sim-staff-ibaraki-2023", "25")  # typed while the engine is down: kept
    page.unroute("**/pyodide.asm.wasm")
    page.evaluate("window.__simulatorDeadlineScale = 1")
    context.set_offline(True)
    context.set_offline(False)  # the browser's "online" event
    wait_for_subsidy(page, 400_000)
    assert page.input_value("#sim-staff-ibaraki-2023") == "25"
    assert page.locator("#sim-retry").is_hidden()
    context.close()


def test_a_worker_killed_while_it_starts_is_restarted(page: Any, base_url: str) -> None:
    page.add_init_script(FAST_DEADLINES)
    page.goto(base_url + "simulator/", wait_until="commit")
    page.wait_for_function("() => window.__simulator && !document.getElementById('simulator').dataset.start")
    page.evaluate("() => { window.__simulator.kill(); window.__simulatorDeadlineScale = 1; }")
    page.wait_for_selector("#simulator[data-engine=ready]", timeout=FIRST_RESULT_TIMEOUT)
    page.click("#sim-example")
    page.wait_for_selector("#sim-subsidy", timeout=10_000)
    assert page.inner_text("#sim-subsidy") == "400,000円"


def test_offline_the_page_says_so_and_starts_again_once_back_online(
    browser: Any, base_url: str, tmp_path: Path
) -> None:
    """The issue's sequence: offline, then a 50 MB TOML (which used to keep the worker busy until the
    watchdog restarted it, offline), then back online: stuck. Now the file is refused at once with
    the CLI's words, a worker that stops offline is not restarted in vain (the page says the browser
    is offline), and once back online the engine starts again by itself, with what was typed."""
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    open_simulator(page, base_url)
    context.set_offline(True)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b'scheme = "yamaguchi-2022"\nitems = []\nnote = """' + b"x" * 50_000_000 + b'"""\n')
    page.set_input_files("#sim-load", str(huge))
    page.wait_for_function(
        "() => document.getElementById('sim-share-text').textContent.includes('大きすぎます')", timeout=10_000
    )
    assert "準備ができました" in page.inner_text("#sim-runtime-text")  # no restart was needed
    page.evaluate("window.__simulator.kill()")
    page.fill("#sim-staff-ibaraki-2023", "25")  # the watchdog finds the worker gone
    runtime_says(page, "インターネットにつながっていないようです", timeout=30_000)
    assert "つながりしだい、自動でもう一度試します" in page.inner_text("#sim-runtime-text")
    context.set_offline(False)
    page.locator(".sim-item [data-name=amount_yen]").first.fill("300万円")
    wait_for_subsidy(page, 1_500_000)
    assert page.input_value("#sim-staff-ibaraki-2023") == "25"
    context.close()


def older_wheel(site: Path) -> bytes:
    """A wheel that works but is not the one the manifest names (as the last release's would be)."""
    (wheel,) = (site / "assets" / "simulator").glob("*.whl")
    out = io.BytesIO()
    with zipfile.ZipFile(wheel) as given, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as older:
        for info in given.infolist():
            older.writestr(info, given.read(info))
        older.writestr("calculator/OLDER_RELEASE", "1")
    return out.getvalue()


def test_a_wheel_that_is_not_the_manifests_is_neither_run_nor_saved(browser: Any, base_url: str, site: Path) -> None:
    """A visit that gets the new manifest with the old wheel used to run the old engine and save it
    under the new release's snapshot key, for every later visit."""
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.route("**/assets/simulator/*.whl", lambda route: route.fulfill(body=older_wheel(site)))
    page.goto(base_url + "simulator/")
    page.click("#sim-example")  # a case to compute, which the wrong engine must not
    page.wait_for_selector("#sim-retry:not([hidden])", timeout=FIRST_RESULT_TIMEOUT)
    assert "公開中の版と一致しません" in page.inner_text("#sim-runtime-text")
    assert page.locator("#sim-subsidy").count() == 0
    assert page.evaluate("async (name) => (await (await caches.open(name)).keys()).length", SNAPSHOTS) == 0
    # The deploy completes (the right wheel is served): the retry starts the engine, and saves it.
    page.unroute("**/assets/simulator/*.whl")
    page.click("#sim-retry")
    wait_for_subsidy(page, 400_000)
    page.wait_for_function(
        "async (name) => (await (await caches.open(name)).keys()).length === 1", arg=SNAPSHOTS, timeout=30_000
    )
    # A later visit with the wrong wheel is refused too, although a snapshot for this manifest exists.
    again = context.new_page()
    again.route("**/assets/simulator/*.whl", lambda route: route.fulfill(body=older_wheel(site)))
    again.goto(base_url + "simulator/")
    again.click("#sim-example")
    again.wait_for_selector("#sim-retry:not([hidden])", timeout=FIRST_RESULT_TIMEOUT)
    assert "公開中の版と一致しません" in again.inner_text("#sim-runtime-text")
    assert again.locator("#sim-subsidy").count() == 0
    context.close()


def test_the_manifest_and_the_wheel_are_fetched_past_the_http_cache(page: Any, base_url: str) -> None:
    """no-cache: each start asks the server whether its copy is current (a revalidation)."""
    modes: dict[str, str] = {}

    def note(request: Any) -> None:
        if request.url.endswith((".whl", "manifest.json")):
            modes[request.url.rsplit("/", 1)[1]] = request.all_headers().get("cache-control", "")

    page.on("request", note)
    open_simulator(page, base_url)
    # The Fetch standard's "no-cache" mode sends max-age=0 (and a conditional request when cached).
    assert len(modes) == 2 and all(mode in ("max-age=0", "no-cache") for mode in modes.values()), modes
