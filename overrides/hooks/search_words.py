"""The words search treats as the same: folding rules and the dictionary of variants and synonyms.

Not a hook: search_index.py imports it to write the index, and writes what it compiles to
`assets/search-words.json`, from which docs/assets/javascripts/search-words.js applies the very same
rules to what a reader types (tests/site/test_search.py checks both give the same pieces).

`canonical(text)` is what both sides index and look up:
1. fold: NFKC, lower case, hiragana as katakana, no dakuten or handakuten (a phone keyboard drops them:
   タフレット), small kana as large, no long vowel at the end of a word (ルータ, プリンタ);
2. the dictionary (search_words.txt, the glossary's readings and the schemes' ways of naming their
   year), each variant replaced by its document word in one pass, longest first.

Apart from the canonical form, `services` reads a typed word as a service of the long-term care
insurance act (the engine's names, and the everyday ones of search_words.txt's 「* 」 lines), so that
the search page can say what each scheme says about the facilities of that service.
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
ROOT: Final = HERE.parents[1]
DICTIONARY: Final = HERE / "search_words.txt"
GLOSSARY: Final = HERE / "glossary.toml"

_SMALL: Final = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_MARKS: Final = re.compile("[\u3099\u309a]")
_HIRAGANA: Final = re.compile("[\u3041-\u3096]")
_KATAKANA: Final = "\u30a1-\u30fa\u30fc"  # katakana letters and the long vowel mark
_WORD_END_LONG_VOWEL: Final = re.compile(f"ー+(?![{_KATAKANA}])")
_DASH_AS_LONG_VOWEL: Final = re.compile("(?<=[\u30a1-\u30fa])[-\u2010\u2011\u2013\u2212]")  # ルータ- as ルーター
_LATIN: Final = re.compile(r"[0-9a-z]")
_MAN: Final = re.compile(r"(?<![0-9,.])([0-9]+)万")  # 40万(円) as 400,000(円), as the documents write both


def fold(text: str) -> str:
    """「るーたー」「ﾙｰﾀｰ」「ルータ」 -> 「ルータ」; 「タブレッド」 -> 「タフレツト」, as 「タブレット」."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _HIRAGANA.sub(lambda m: chr(ord(m.group()) + 0x60), text)
    text = unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", text)))
    text = _WORD_END_LONG_VOWEL.sub("", _DASH_AS_LONG_VOWEL.sub("ー", text.translate(_SMALL)))
    return _MAN.sub(lambda m: man(m.group(1)), text)


def man(digits: str) -> str:
    """「40」 (万) -> 「400,000」: in strings, so that no number is too large for either side."""
    value = digits.lstrip("0")
    return f"{int(value + '0000'):,}" if value else "0"


@dataclass(frozen=True)
class Words:
    """Variant -> document word, folded, longest variant first; and the question words a query drops."""

    pairs: tuple[tuple[str, str], ...]
    drop: tuple[str, ...]
    services: tuple[tuple[str, tuple[str, ...]], ...] = ()  # folded name -> the act's names it means

    def canonical(self, text: str) -> str:
        folded = fold(text)
        return _pattern(self.pairs).sub(lambda m: dict(self.pairs)[m.group()], folded) if self.pairs else folded

    def to_json(self) -> dict[str, object]:
        return {
            "pairs": [list(p) for p in self.pairs],
            "drop": list(self.drop),
            "services": {name: list(act) for name, act in self.services},
        }


@cache
def _pattern(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(_alternative(variant) for variant, _ in pairs))


def _alternative(variant: str) -> str:
    """A variant that starts or ends with a Latin letter or digit matches only a whole Latin word there
    (「pc」 not in 「pcr」, 「r5年度」 not in 「ar5年度」)."""
    before = r"(?<![0-9a-z])" if _LATIN.match(variant[0]) else ""
    after = r"(?![0-9a-z])" if _LATIN.match(variant[-1]) else ""
    return before + re.escape(variant) + after


def read(
    dictionary: str,
    readings: dict[str, str],
    years: dict[str, list[str]],
    read_service: Callable[[str], tuple[str, ...] | None] = lambda name: None,
    act_names: Iterable[str] = (),
) -> Words:
    """The dictionary's lines, then the glossary's readings and the years' other names, as one table;
    and the names of care services (`act_names`, and each 「* 」 line's, read by `read_service`).

    A variant given twice with different document words is an error: the search could not say which."""
    table: dict[str, str] = {}
    drop: list[str] = []
    problems: list[str] = []
    services: dict[str, tuple[str, ...]] = {fold(name): (name,) for name in act_names}

    def add(word: str, variant: str, where: str) -> None:
        target, key = fold(word), fold(variant)
        if not key or key == target:
            return
        if table.get(key, target) != target:
            problems.append(f"{where}: 「{variant}」は「{table[key]}」と「{target}」の両方の言い換えです")
        table[key] = target

    for number, raw in enumerate(dictionary.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        where = f"search_words.txt:{number}"
        if not line:
            continue
        if line.startswith("- "):
            drop.append(line[2:].strip())
        elif line.startswith("* ") and "=" in line:
            name, variants = (part.strip() for part in line[2:].split("=", 1))
            act = read_service(name)
            if act is None:
                problems.append(f"{where}: 「{name}」は介護保険法のサービスの名前にありません")
                continue
            for variant in filter(None, (v.strip() for v in [name, *variants.split(",")])):
                services[fold(variant)] = act
        elif "=" in line:
            word, variants = (part.strip() for part in line.split("=", 1))
            for variant in filter(None, (v.strip() for v in variants.split(","))):
                add(word, variant, where)
        else:
            forms = "「文書の言葉 = 言い換え, …」「- 問いの言葉」か「* サービスの名前 = 呼び方, …」"
            problems.append(f"{where}: {forms}と書きます: {line}")
    for term, reading in readings.items():
        add(term, reading, "glossary.toml")
    for label, names in years.items():
        for name in names:
            add(label, name, "制度の年度")
    if problems:
        raise ValueError("\n".join(problems))
    # Each document word also maps to itself: a text that already says it is left alone by the one pass.
    for target in set(table.values()):
        table.setdefault(target, target)
    pairs = tuple(sorted(table.items(), key=lambda p: (-len(p[0]), p[0])))
    return Words(pairs, tuple(sorted(set(drop), key=lambda d: (-len(d), d))), tuple(sorted(services.items())))


def scheme_years() -> dict[str, list[str]]:
    """「令和5年度」 -> ["r5年度", "2023年度"], from the schemes the site carries."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import calculator

    years: dict[str, list[str]] = {}
    for scheme in calculator.all_schemes():
        reiwa = scheme.fiscal_year - 2018
        years.setdefault(scheme.fiscal_year_label, []).extend([f"r{reiwa}年度", f"{scheme.fiscal_year}年度"])
    return years


def glossary_readings() -> dict[str, str]:
    data = tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))
    return {term["term"]: term["reading"] for term in data["terms"] if term.get("reading")}


@cache
def site_words() -> Words:
    years = scheme_years()  # puts the repository root on the path
    from calculator._services import CARE_SERVICES, read_service

    return read(DICTIONARY.read_text(encoding="utf-8"), glossary_readings(), years, read_service, CARE_SERVICES)
