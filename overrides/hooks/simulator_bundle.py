"""The simulator's runtime, bundled into the site at build time: self-hosted Pyodide and our engine.

- Pyodide comes from the npm package pinned in package-lock.json (`npm ci`); only the files a boot
  fetches are copied: pyodide.mjs, pyodide.asm.mjs, pyodide.asm.wasm, python_stdlib.zip and
  pyodide-lock.json.
- The standard library a boot fetches is `python_stdlib.engine.zip`: only the files that a boot, the
  engine and the worker read (found by running them in the pinned Pyodide under Node at build time,
  `stdlib_files.mjs`), about a third of python_stdlib.zip. The full zip ships too, for the worker's
  fallback if the small one ever lacks a module.
- Both ship as bytecode compiled by the pinned Pyodide under Node (`bytecode.mjs`): compiling them in
  the browser was most of a cold start. The small zip holds only .pyc files (docstrings blanked);
  the wheel keeps its sources and gains hash-checked __pycache__ files, listed in its RECORD.
- The `calculator` package goes in as a wheel built now from the same source with pip (a pure-Python
  py3-none-any wheel; pyodide-build would add nothing for it).
- `assets/simulator/manifest.json` names the files and their sizes (the worker reports one bar of
  progress across them all), what they weigh on the wire (`download_bytes`: each gzip-compressed, as
  GitHub Pages sends them; the page says 「初回のみ約○MB」 with it), and `assets/simulator/schemes.json`
  is what the form needs before the engine has loaded.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Final

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

ROOT: Final = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import calculator  # noqa: E402  (the repository root must be importable first)
from calculator._case import MAX_CASE_BYTES  # noqa: E402
from calculator._scheme import StaffCount  # noqa: E402
from calculator._services import CARE_SERVICES  # noqa: E402
from calculator._status import date_words  # noqa: E402
from calculator._vocabulary import ITEM_STATUS_WORDS, PAYMENT_IDS, rate_words  # noqa: E402

PYODIDE: Final = ROOT / "node_modules" / "pyodide"
RUNTIME_FILES: Final = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
WHEEL_SOURCES: Final = ("pyproject.toml", "README.md", "calculator")
ENGINE_STDLIB: Final = "python_stdlib.engine.zip"
STDLIB_FILES: Final = Path(__file__).resolve().parent / "stdlib_files.mjs"
BYTECODE: Final = Path(__file__).resolve().parent / "bytecode.mjs"
# The form's words for what the scheme data leaves unnamed (each written here once).
CAPACITY_LABEL: Final = "利用定員（訪問系は利用者数）"
STANDARD_APPLICATION: Final = "通常の申請"
# Beside a menu's cap in the result: how the cap was made (the steps say it case by case).
CAP_NOTES: Final = {"fixed": "", "by_staff": "{staff}の区分で決まる額", "per_unit": "1台ごとの上限の合計"}
NEEDS_WORDS: Final = {
    "any": "どれか1つを満たせばよい。あてはまるものを選ぶ",
    "all": "すべてを満たす必要がある。あてはまるものを選ぶ",
}


def build_wheel(target: Path) -> Path:
    """pip wheel of the calculator package, from a clean copy so the checkout gets no build/ folder."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in WHEEL_SOURCES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, Path(tmp) / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, Path(tmp) / name)
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", tmp, "--no-deps", "--no-build-isolation", "-q", "-w", str(target)],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    if done.returncode != 0:
        raise PluginError(f"計算エンジンの wheel を作れませんでした:\n{done.stdout}\n{done.stderr}")
    (wheel,) = target.glob("*.whl")
    return wheel


def run_node(script: Path, *args: Path, failure: str) -> str:
    node = shutil.which("node")
    if node is None:
        raise PluginError("Node.js がありません（試算ページの実行環境をビルド時に Pyodide で準備するのに使います）")
    done = subprocess.run(
        [node, str(script), *map(str, args)], capture_output=True, text=True, check=False, timeout=300
    )
    if done.returncode != 0:
        raise PluginError(f"{failure}:\n{done.stderr[-3000:]}")
    return done.stdout


def engine_stdlib_sources(runtime: Path, wheel: Path, target: Path) -> Path:
    """python_stdlib.zip cut down to the files the simulator reads, in the pinned Pyodide itself."""
    needed = set(
        json.loads(run_node(STDLIB_FILES, runtime, wheel, failure="試算ページの標準ライブラリを選べませんでした"))
    )
    with zipfile.ZipFile(runtime / "python_stdlib.zip") as full, zipfile.ZipFile(target, "w") as small:
        for info in full.infolist():
            if info.filename in needed:
                small.writestr(info, full.read(info), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
                needed.discard(info.filename)
    if needed:
        raise PluginError(f"python_stdlib.zip にないファイルがあります: {sorted(needed)}")
    return target


def add_to_wheel(wheel: Path, extra: Path) -> None:
    """Put the files of the zip `extra` into the wheel, listed in its RECORD with their hashes, so the
    wheel stays a valid wheel."""
    with zipfile.ZipFile(wheel) as given, zipfile.ZipFile(extra) as added:
        entries = [(info, given.read(info)) for info in given.infolist()]
        (record,) = [info for info, _ in entries if info.filename.endswith(".dist-info/RECORD")]
        lines = dict(entries)[record].decode("utf-8").rstrip("\n").split("\n")
        new = [(info, added.read(info)) for info in added.infolist()]
    for info, data in new:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
        lines.insert(-1, f"{info.filename},sha256={digest},{len(data)}")  # RECORD's own line stays last
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info, data in [*(e for e in entries if e[0] is not record), *new]:
            out.writestr(info, data, zipfile.ZIP_DEFLATED, 9)
        out.writestr(record, ("\n".join(lines) + "\n").encode("utf-8"), zipfile.ZIP_DEFLATED, 9)


def compile_to_bytecode(runtime: Path, wheel: Path) -> Path:
    """The small standard library as bytecode only, and the engine's bytecode added to its wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        sources = engine_stdlib_sources(runtime, wheel, Path(tmp) / "sources.zip")
        target = runtime / ENGINE_STDLIB
        package = Path(tmp) / "package-bytecode.zip"
        jobs = Path(tmp) / "jobs.json"
        jobs.write_text(
            json.dumps(
                [
                    {"source": str(sources), "target": str(target), "kind": "stdlib"},
                    {"source": str(wheel), "target": str(package), "kind": "package"},
                ]
            ),
            encoding="utf-8",
        )
        run_node(BYTECODE, PYODIDE, jobs, failure="試算ページの Python をバイトコードにできませんでした")
        add_to_wheel(wheel, package)
    return target


def form_data(schemes: tuple[calculator.Scheme, ...] | None = None) -> dict[str, Any]:
    """What the form shows before the engine loads: labels, hints and fields, all from the scheme
    files (`schemes`: the shipped ones unless given, e.g. a test's own)."""
    chosen = calculator.all_schemes() if schemes is None else schemes
    # The page reads no more of a file than the engine would (calculator/_case.py says why).
    # The services the engine knows by name (a case's service_type), offered as the form's list.
    return {
        "schemes": [_scheme_form(s) for s in chosen],
        "services": list(CARE_SERVICES),
        "max_case_bytes": MAX_CASE_BYTES,
        # How the form says an item's decision before any result (a category offered as 対象外).
        "words": {"item_status": ITEM_STATUS_WORDS},
    }


def _scheme_form(s: calculator.Scheme) -> dict[str, Any]:
    staff = s.staff_cap()
    # The menus whose cap is by staff: the hint says which caps the head count decides.
    staff_menus = [m.title for m in s.menus if m.cap.kind == "by_staff"]
    capacity_menus = [m for m in s.menus if m.max_units == "capacity"]
    higher = s.rate.higher
    return {
        "id": s.id,
        "name": s.name,
        "title": s.title,
        "rate": f"{s.rate.base.numerator}/{s.rate.base.denominator}",
        "staff": {
            "required": staff is not None,
            "label": staff.staff_label if staff else "",
            "note": staff.staff_note.text if staff and staff.staff_note else "",
            "hint": (
                f"{'・'.join(f'「{t}」' for t in staff_menus)}の上限額がこの人数の区分で決まります。"
                if staff_menus
                else "上限額がこの人数の区分で決まります。"
            ),
            # For the form's 常勤換算 helper (none where the scheme says nothing of how to count).
            "count": _staff_count(s, staff.staff_count) if staff and staff.staff_count else None,
        },
        # 利用定員 (for 訪問系 the number of users), where a menu counts units up to it.
        "capacity": {
            "required": bool(capacity_menus),
            "label": CAPACITY_LABEL,
            "hint": " ".join(m.text for m in capacity_menus),
        },
        # Whether 一気通貫 decides anything in this scheme (a category needs it): else the box hides.
        "ikkan": any("ikkan_achieved" in c.requires_any for c in s.categories),
        "prefecture": s.prefecture,
        # When the data were last read against the source (the printed sheet says it), as the scheme
        # pages write it.
        "last_checked": s.last_checked.isoformat() if s.last_checked else "",
        "last_checked_words": date_words(s.last_checked) if s.last_checked else "",
        "conditions": [
            {"id": c.id, "label": c.label, "title": c.title, "text": c.text, "anchor": c.citation.anchor}
            for c in s.rate.conditions
        ],
        "conditions_legend": (
            f"補助率が{rate_words(higher)}になる要件（{NEEDS_WORDS[s.rate.needs]}）" if higher is not None else ""
        ),
        # Other ways to apply (e.g. パッケージ型), offered beside the standard one.
        "application_types": [{"id": t.id, "title": t.title, "text": t.text} for t in s.application_types],
        "standard_application": STANDARD_APPLICATION,
        # Every item flag, in the scheme's own words (茨城 「…導入したもの」, 山口 「…契約・購入したもの」).
        "flags": [{"id": e.item_flag, "title": e.title} for e in s.exclusions if e.item_flag],
        # The parts of a row the scheme excludes (other_subsidy_yen: what another subsidy pays).
        "item_parts": [{"id": e.item_part, "title": e.title, "text": e.text} for e in s.exclusions if e.item_part],
        "payments": {p: s.payments[p].text for p in PAYMENT_IDS},
        "menus": [
            {
                "id": m.id,
                "title": m.title,
                "text": m.text,
                "cap_note": CAP_NOTES[m.cap.kind].format(staff=m.cap.staff_label),
            }
            for m in s.menus
        ],
        "categories": _categories(s),
        "requirements": [{"id": r.id, "title": r.title} for r in s.requirements],
    }


def _staff_count(s: calculator.Scheme, count: StaffCount) -> dict[str, Any]:
    """The roles counted by head (the 別表's words), and how a 常勤換算's fraction is cut, with the
    caveat that says so where the document is silent (the helper shows it beside its figure)."""
    caveat = s.caveats.get(count.fraction_caveat) if count.fraction_caveat else None
    return {
        "by_head": list(count.by_head),
        "digits": count.fraction_digits,
        "fraction_note": {"title": caveat.title, "text": caveat.text, "anchor": caveat.id} if caveat else None,
    }


def _categories(s: calculator.Scheme) -> list[dict[str, Any]]:
    """The scheme's own categories (each with its menu, where the scheme has menus), then the ones it
    excludes by name, offered as 対象外 with the reason so that a user who has such a cost sees why."""
    categories: list[dict[str, Any]] = [
        {
            "id": c.id,
            "title": f"{c.label}{c.title}",
            "name": c.title,  # without its label: 「介護ソフト」
            "counted": True,
            "hint": c.text,
            "menu": c.menu or "",
            # The kinds of expense the scheme tells apart in it (e.g. 買い切り or 年間ライセンス).
            "kinds": [{"id": k.id, "title": k.title} for k in c.kinds],
        }
        for c in s.categories
    ]
    categories += [
        {"id": e.category, "title": e.title, "name": e.title, "counted": False, "hint": e.text, "menu": "", "kinds": []}
        for e in s.exclusions
        if e.category
    ]
    return categories


def on_post_build(config: MkDocsConfig) -> None:
    if not all((PYODIDE / name).is_file() for name in RUNTIME_FILES):
        raise PluginError("Pyodide がありません。リポジトリの直下で `npm ci` を実行してください（./dev が行います）")
    site = Path(config.site_dir)
    runtime = site / "assets" / "pyodide"
    bundle = site / "assets" / "simulator"
    shutil.rmtree(runtime, ignore_errors=True)
    shutil.rmtree(bundle, ignore_errors=True)
    runtime.mkdir(parents=True)
    bundle.mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copy2(PYODIDE / name, runtime / name)
    wheel = build_wheel(bundle)
    stdlib = compile_to_bytecode(runtime, wheel)
    # What a boot fetches (the page shows progress against it); the full stdlib only on a fallback.
    fetched = [runtime / n for n in RUNTIME_FILES if n != "python_stdlib.zip"] + [stdlib, wheel]
    files = {f"{p.parent.name}/{p.name}": p.stat().st_size for p in fetched}
    version = json.loads((PYODIDE / "package.json").read_text(encoding="utf-8"))["version"]
    manifest = {
        "pyodide": version,
        "wheel": wheel.name,
        "wheel_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "files": files,
        "bytes": sum(files.values()),
        # What a first visit downloads (level 6, as Pages compresses): the words, not the bar, use it.
        "download_bytes": sum(len(gzip.compress(p.read_bytes(), compresslevel=6, mtime=0)) for p in fetched),
        "stdlib": stdlib.name,
        "fallback": {"pyodide/python_stdlib.zip": (runtime / "python_stdlib.zip").stat().st_size},
    }
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    # The engine that computes, for the printed sheet: the wheel's version, and the start of its hash
    # (the version alone is the same for every build of 0.1.0).
    engine = engine_info(wheel, manifest["wheel_sha256"])
    data = {**form_data(), "engine": engine}
    (bundle / "schemes.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def engine_info(wheel: Path, sha256: str) -> dict[str, str]:
    """The engine's version as its wheel's name gives it (name-version-python-abi-platform.whl)."""
    return {"version": wheel.name.split("-")[1], "build": sha256[:8]}
