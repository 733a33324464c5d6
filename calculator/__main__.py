"""The command line: `python3 -m calculator schemes | simulate CASE [--json|--csv] | check [FILE...] | schema | new ID
| kit CASE [--format md|txt|csv] [-o FILE]`.

Exit codes (public contract): 0 done; 1 a scheme file fails `check`; 2 bad input (a case file
that cannot be computed, an unknown scheme or command), always with a Japanese message that names
the field and never with a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

from calculator import (
    FieldError,
    InputError,
    Result,
    Scheme,
    SchemeError,
    check_quotes,
    get_scheme,
    load_case,
    load_scheme,
    simulate,
)
from calculator._amounts import format_yen
from calculator._batch import Batch, facilities_in, is_batch, read_cases_file
from calculator._batch_summary import simulate_all, summary_csv, summary_text
from calculator._case import MAX_CASE_BYTES, read_case_file, scheme_id_of, too_large
from calculator._figures import check_figures
from calculator._keys import json_schema
from calculator._kit import KIT_FORMATS, expense_csv, kit_markdown, kit_plain, make_kit, text_file
from calculator._registry import SCHEMES_DIR, all_schemes, scheme_paths
from calculator._skeleton import TO_FILL, parse_new_id, skeleton, source_placeholder
from calculator._vocabulary import rate_words

EXIT_OK: Final = 0
EXIT_SCHEME_INVALID: Final = 1
EXIT_BAD_INPUT: Final = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"コマンドの指定に誤りがあります: {message}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python3 -m calculator", description="介護ICT補助金の計算エンジン")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = commands.add_parser("schemes", help="制度の一覧（id、都道府県、年度）")
    listing.add_argument("--json", action="store_true", help="JSON で出力する")
    run = commands.add_parser("simulate", help="ケースファイルの補助額を計算して説明する")
    run.add_argument("case", help="ケースファイル（.json、.toml、複数の事業所の .csv。- なら標準入力の JSON）")
    output = run.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="結果を JSON で出力する")
    output.add_argument("--csv", action="store_true", help="事業所ごとの表を CSV（Excel 用）で出力する")
    run.add_argument("--scheme-file", type=Path, help="同梱の制度の代わりに使う制度ファイル（.toml）")
    commands.add_parser("schema", help="制度ファイルの JSON Schema（エディタ用）を出力する")
    new = commands.add_parser("new", help="新しい制度ファイルの下書きと原文の置き場所を作る")
    new.add_argument("id", help="<都道府県>-<年度>（例: tochigi-2026）")
    new.add_argument("--schemes-dir", type=Path, default=SCHEMES_DIR, help="制度ファイルを置くフォルダ")
    new.add_argument("--sources-dir", type=Path, default=SCHEMES_DIR.parents[1] / "sources", help="原文の置き場所")
    check = commands.add_parser("check", help="制度ファイルを検証する（スキーマ、出典、引用、数字、アンカー）")
    check.add_argument("files", nargs="*", type=Path, help="同梱の制度に加えて検証するファイル")
    kit = commands.add_parser("kit", help="申請の準備キット（提出するもの、導入計画の下書き、経費の表）を作る")
    kit.add_argument("case", help="ケースファイル（.json か .toml）")
    kit.add_argument("--format", choices=KIT_FORMATS, default="md", help="md（既定）、txt、csv（経費の表）")
    kit.add_argument("-o", "--output", type=Path, help="書き出すファイル（省略時は標準出力）")
    kit.add_argument("--scheme-file", type=Path, help="同梱の制度の代わりに使う制度ファイル（.toml）")
    return parser


def _cite(citation: dict[str, str]) -> str:
    return f"［{citation['clause']}］"


def _explain(result: Result) -> str:
    data = result.to_dict()
    low, high = result.subsidy_range_yen
    amount = format_yen(result.subsidy_yen)
    if low != high:
        amount += f"（読み方によって {format_yen(low)}〜{format_yen(high)}。下の「読み方によって変わる額」を参照）"
    lines = [
        f"{result.scheme_name} の試算",
        "",
    ]
    if not result.eligible:
        lines += ["この事業所は補助の対象になりません（対象外）。"]
        lines.extend(f"  ・{r.text} {_cite(r.citation.to_dict())}" for r in result.ineligible_reasons)
        lines.append("")
    lines += [
        f"補助額        {amount}",
        f"補助対象経費  {format_yen(result.eligible_expense_yen)}（補助率 {rate_words(Fraction(result.rate))}、"
        f"上限額 {format_yen(result.remaining_cap_yen)}）",
        f"自己負担額    {format_yen(result.self_pay_yen)}（経費の総額 {format_yen(result.total_cost_yen)} − 補助額"
        + (f" − 他の補助金 {format_yen(result.other_subsidy_yen)}" if result.other_subsidy_yen else "")
        + "）",
        "",
        "経費の判定",
    ]
    if not data["items"]:
        lines.append("  （経費の入力がありません）")
    for item in data["items"]:
        lines.append(
            f"  {item['index'] + 1}. {item['name']}（{item['category_title']}）{format_yen(item['amount_yen'])}"
            f" → {item['status_words']} {format_yen(item['eligible_yen'])}"
        )
        lines.extend(f"     ・{r['text']} {_cite(r['citation'])}" for r in item["reasons"])
    lines += ["", "計算の手順"]
    lines.extend(f"  {n}. {s['text']} {_cite(s['citation'])}" for n, s in enumerate(data["steps"], 1))
    if data["alternatives"]:
        lines += ["", "読み方によって変わる額（文書からはどちらとも読めるため、県の判断によります）"]
        lines.extend(
            f"  ・{a['reading']}: {format_yen(a['subsidy_yen'])}（注意「{a['title']}」）" for a in data["alternatives"]
        )
    if data["caveats"]:
        lines += ["", "注意（文書に定めがない点・あいまいな点）"]
        lines.extend(f"  ・{c['title']}: {c['text']} {_cite(c['citation'])}" for c in data["caveats"])
    # What the counted items themselves must be (e.g. a commercial product with daytime support),
    # once per condition however many items share it.
    conditions = {
        f"  ・{item['category_title']}: {c['text']} {_cite(c['citation'])}": None
        for item in data["items"]
        if item["status"] != "excluded"
        for c in item["conditions"]
    }
    if data["requirements"] or conditions:
        lines += ["", "満たす必要のある要件"]
        lines.extend(f"  ・{r['title']} {_cite(r['citation'])}" for r in data["requirements"])
        lines.extend(conditions)
    return "\n".join(lines)


def _schemes(as_json: bool) -> int:
    schemes = all_schemes()
    if as_json:
        rows = [
            {
                "id": s.id,
                "prefecture": s.prefecture,
                "fiscal_year": s.fiscal_year,
                "fiscal_year_label": s.fiscal_year_label,
                "title": s.title,
            }
            for s in schemes
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for s in schemes:
            print(f"{s.id}\t{s.prefecture}\t{s.fiscal_year_label}（{s.fiscal_year}年度）\t{s.title}")
    return EXIT_OK


def _simulate(case_path: str, as_json: bool, scheme_file: Path | None, as_csv: bool = False) -> int:
    if case_path == "-":
        # Bounded: `< /dev/zero` must not fill memory. (A replaced sys.stdin may have no bytes below it.)
        stream = getattr(sys.stdin, "buffer", None)
        raw = stream.read(MAX_CASE_BYTES + 1) if stream else sys.stdin.read(MAX_CASE_BYTES + 1).encode("utf-8")
        if len(raw) > MAX_CASE_BYTES:
            raise too_large("標準入力")
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError([FieldError("", "標準入力を読めません（UTF-8 のテキストではありません）")]) from None
        except json.JSONDecodeError as error:
            message = f"標準入力を JSON として読めません（{error.lineno}行{error.colno}列: {error.msg}）"
            raise InputError([FieldError("", message)]) from None
        except (ValueError, RecursionError):
            message = "標準入力を JSON として読めません（数の桁数か入れ子が多すぎます）"
            raise InputError([FieldError("", message)]) from None
    else:
        data = read_cases_file(case_path)
    scheme = load_scheme(scheme_file) if scheme_file else None
    if isinstance(data, Batch) or is_batch(data) or as_csv:
        return _simulate_many(data, scheme, as_json, as_csv)
    scheme_id_of(data)
    result = simulate(data, scheme)
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(_explain(result))
    return EXIT_OK


def _simulate_many(data: Any, scheme: Scheme | None, as_json: bool, as_csv: bool) -> int:
    """Many facilities (or one, for --csv): the summary table, its CSV, or every result as JSON."""
    results = simulate_all(facilities_in(data), scheme)
    today = datetime.date.today()
    if as_csv:
        sys.stdout.flush()
        stream = getattr(sys.stdout, "buffer", None)
        table = summary_csv(results, today)
        if stream is not None:  # the exact bytes: a BOM and CRLF, whatever the terminal's encoding
            stream.write(table)
        else:
            sys.stdout.write(table.decode("utf-8"))
    elif as_json:
        print(json.dumps([r.to_dict(today) for r in results], ensure_ascii=False, indent=2))
    else:
        print(summary_text(results, today))
    return EXIT_OK


def _new(scheme_id: str, schemes_dir: Path, sources_dir: Path) -> int:
    parsed = parse_new_id(scheme_id)
    if parsed is None:
        raise InputError(
            [FieldError("id", f"「{scheme_id}」は <都道府県>-<年度> の形（例: tochigi-2026）にしてください")]
        )
    scheme_file, source_file = schemes_dir / f"{scheme_id}.toml", sources_dir / f"{scheme_id}.txt"
    for existing in (scheme_file, source_file):
        if existing.exists():
            raise InputError([FieldError("id", f"「{existing}」がもうあります（上書きはしません）")])
    schemes_dir.mkdir(parents=True, exist_ok=True)
    sources_dir.mkdir(parents=True, exist_ok=True)
    scheme_file.write_text(skeleton(scheme_id, parsed[1]), encoding="utf-8")
    source_file.write_text(source_placeholder(scheme_id), encoding="utf-8")
    print(f"作りました: {scheme_file}")
    print(f"作りました: {source_file}")
    print(f"次に: 原文を {source_file.name} に貼り、{TO_FILL} をすべて埋めて、python3 -m calculator check")
    return EXIT_OK


def _report(path: Path, problems: tuple[str, ...] | list[str]) -> None:
    print(f"NG {path.name}", file=sys.stderr)
    for problem in problems:
        print(f"  {path.name}: {problem}", file=sys.stderr)


def _check(extra: list[Path]) -> int:
    failed = 0
    loaded: list[tuple[Path, Scheme]] = []
    for path in list(scheme_paths().values()) + extra:
        try:
            scheme = load_scheme(path)
        except SchemeError as error:
            failed += 1
            _report(path, error.problems)
            continue
        loaded.append((path, scheme))
        problems = check_quotes(scheme) + check_figures(scheme)
        if problems:
            failed += 1
            _report(path, problems)
            continue
        anchors = len(scheme.clauses)
        print(
            f"OK {scheme.id}: 条項 {anchors}、注意 {len(scheme.caveats)}、"
            "すべての引用を原文で、すべての数字を引用で確認しました"
        )
    anchors_seen: dict[str, str] = {}
    for path, scheme in loaded:
        for anchor in scheme.clauses:
            if anchor in anchors_seen and anchors_seen[anchor] != path.name:
                failed += 1
                print(
                    f"NG アンカー「{anchor}」が {anchors_seen[anchor]} と {path.name} で重複しています", file=sys.stderr
                )
            anchors_seen[anchor] = path.name
    return EXIT_SCHEME_INVALID if failed else EXIT_OK


def _kit(case_path: str, kit_format: str, output: Path | None, scheme_file: Path | None) -> int:
    """The preparation kit of a case: Markdown or plain text, or the expense table as CSV for Excel."""
    data = read_case_file(case_path)
    scheme = load_scheme(scheme_file) if scheme_file else get_scheme(scheme_id_of(data))
    case = load_case(data, scheme)
    kit = make_kit(case, scheme, simulate(case, scheme), datetime.date.today())
    if kit_format == "csv":
        content = expense_csv(kit)
    elif kit_format == "txt" and output is not None:
        content = text_file(kit_plain(kit))  # a file for Word and Notepad: BOM, CRLF
    else:
        content = (kit_markdown(kit) if kit_format == "md" else kit_plain(kit)).encode("utf-8")
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        output.write_bytes(content)
    except OSError:
        message = f"「{output}」に書き出せません（フォルダがないか、書き込めない場所です）"
        raise InputError([FieldError("-o", message)]) from None
    print(f"書き出しました: {output}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "kit":
            return _kit(args.case, args.format, args.output, args.scheme_file)
        if args.command == "schemes":
            return _schemes(args.json)
        if args.command == "new":
            return _new(args.id, args.schemes_dir, args.sources_dir)
        if args.command == "schema":
            print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
            return EXIT_OK
        if args.command == "simulate":
            return _simulate(args.case, args.json, args.scheme_file, args.csv)
        return _check(args.files)
    except InputError as error:
        print("入力に誤りがあります:", file=sys.stderr)
        for field_error in error.errors:
            print(f"  {field_error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SchemeError as error:
        print("制度ファイルに誤りがあります:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {error.source}: {problem}", file=sys.stderr)
        return EXIT_SCHEME_INVALID


if __name__ == "__main__":
    sys.exit(main())
