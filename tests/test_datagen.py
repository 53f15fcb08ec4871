"""Tests of the deterministic practice-data generator ``kefu.datagen``."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kefu.datagen import DEFAULT_SEED, generate, main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FILES = ("chat_sessions.csv", "orders.csv", "violations.csv", "carts.csv", "complaints.csv",
         "kpi_sessions.csv", "kpi_messages.csv", "kpi_orders.csv")
ROWS = (400, 300, 120, 200, 160, 370, 3203, 108)
TIME_FMT = "%Y-%m-%d %H:%M:%S"
POINTS = {"invoice": 6, "free_shipping": 4, "credit_card": 6, "cash_on_delivery": 6, "privacy": 6,
          "close_order": 1}
NICKNAME = re.compile(r"^(?:[a-z]\*\*\*[0-9a-z]|[\u4e00-\u9fff]\*\*\*[\u4e00-\u9fff]|tb_[a-z]\*\*\*\d{2})$")


@pytest.fixture(scope="module")
def vocab() -> dict:
    """The generator's vocabulary file."""
    return yaml.safe_load((DATA / "generator_vocab.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """A fresh generation with the default seed, every cell read as text ('' when empty)."""
    out = tmp_path_factory.mktemp("datagen")
    generate(out)
    return {name: pd.read_csv(out / name, dtype=str, keep_default_na=False) for name in FILES}


def _times(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column.where(column != ""), format=TIME_FMT)


def _assert_in_october_business_hours(times: pd.Series) -> None:
    present = times.dropna()
    assert present.min() >= pd.Timestamp("2026-10-01 08:00:00")
    assert present.max() <= pd.Timestamp("2026-10-31 23:59:59")
    assert (present.dt.hour >= 8).all()


def test_same_seed_gives_byte_identical_files(tmp_path):
    """Generating twice with the same seed writes byte-identical files."""
    first = generate(tmp_path / "a")
    second = generate(tmp_path / "b")
    assert [p.name for p in first] == list(FILES) == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_committed_data_matches_generator(tmp_path):
    """The CSV files committed in data/ are exactly what the default seed generates."""
    for path in generate(tmp_path, seed=DEFAULT_SEED):
        committed = DATA / path.name
        assert committed.is_file(), f"缺少 data/{path.name}:请运行 python -m kefu.datagen 生成后提交。"
        assert committed.read_bytes() == path.read_bytes(), (
            f"data/{path.name} 与生成脚本的输出不一致:请运行 python -m kefu.datagen 重新生成并提交。")


def test_different_seed_gives_different_data(tmp_path):
    """Another seed changes every dataset."""
    for a, b in zip(generate(tmp_path / "a"), generate(tmp_path / "b", seed=7)):
        assert a.read_bytes() != b.read_bytes(), a.name


def test_files_are_plain_utf8_csv_with_newline_endings(tmp_path):
    """Files are UTF-8 without BOM, use \\n line endings and end with a newline."""
    for path in generate(tmp_path):
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in raw and raw.endswith(b"\n")
        raw.decode("utf-8")


def test_main_prints_one_chinese_line_per_file(tmp_path, capsys):
    """main() writes the files, prints one 已生成 line per file and returns 0."""
    assert main(out_dir=tmp_path) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(FILES)
    for line, name, count in zip(lines, FILES, ROWS):
        assert line.startswith("已生成 ") and name in line and line.endswith(f"({count} 行)")


def test_command_line_forwards_out_and_seed(tmp_path, monkeypatch, capsys):
    """python -m kefu.datagen --out DIR --seed N writes what generate(DIR, seed=N) writes."""
    monkeypatch.setattr(sys, "argv", ["kefu.datagen", "--out", str(tmp_path / "cli"), "--seed", "7"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("kefu.datagen", run_name="__main__", alter_sys=True)
    assert stop.value.code == 0
    assert "已生成" in capsys.readouterr().out
    for path in generate(tmp_path / "api", seed=7):
        assert (tmp_path / "cli" / path.name).read_bytes() == path.read_bytes()


# --- chat_sessions.csv ---------------------------------------------------------------------------

def test_chat_sessions_schema(tables, vocab):
    """chat_sessions.csv has the agreed columns, ids, value sets and ranges."""
    chats = tables["chat_sessions.csv"]
    assert list(chats.columns) == ["session_id", "start_time", "agent", "buyer", "stage", "topic",
                                   "buyer_message", "first_response_s", "avg_response_s", "n_messages",
                                   "converted", "rating"]
    assert len(chats) == 400
    assert chats["session_id"].tolist() == [f"S{i:04d}" for i in range(1, 401)]
    start = _times(chats["start_time"])
    assert start.notna().all() and start.is_monotonic_increasing
    _assert_in_october_business_hours(start)
    assert set(chats["agent"]) == set(vocab["chat_agents"]) == {"小雅", "阿杰", "晓晓", "木子", "乐乐", "安安"}
    assert chats["buyer"].str.match(NICKNAME).all()
    assert set(chats["stage"]) == {"售前", "售中", "售后", ""}
    topics = {t: stage for stage, names in vocab["stages"].items() for t in names}
    assert set(chats["topic"]) <= set(topics)
    classified = chats[chats["stage"] != ""]
    assert (classified["topic"].map(topics) == classified["stage"]).all()
    assert (chats["buyer_message"] != "").all() and not chats["buyer_message"].str.contains(r"[{}]").any()
    first = pd.to_numeric(chats["first_response_s"].replace("", None))
    assert first.dropna().between(5, 180).all()
    assert pd.to_numeric(chats["avg_response_s"]).between(10, 200).all()
    assert pd.to_numeric(chats["n_messages"]).between(2, 40).all()
    presale = chats["stage"] == "售前"
    assert set(chats.loc[presale, "converted"]) == {"0", "1"}
    assert (chats.loc[~presale, "converted"] == "").all()
    assert set(chats["rating"]) == {"很满意", "满意", "一般", "不满意", ""}


def test_chat_sessions_teaching_features(tables):
    """The planted gaps and patterns of chat_sessions.csv have their exact sizes."""
    chats = tables["chat_sessions.csv"]
    assert chats["stage"].value_counts().to_dict() == {"售前": 194, "售后": 116, "售中": 78, "": 12}
    assert (chats["first_response_s"] == "").sum() == 8
    assert (chats["converted"] == "1").sum() == 78  # 78 / 194 = 40.2 % of 售前 sessions
    assert (chats["rating"] == "").sum() == 120  # 30 %
    assert chats["buyer_message"].nunique() == 386
    rated = chats[(chats["rating"] != "") & (chats["first_response_s"] != "")]
    slow = pd.to_numeric(rated["first_response_s"]) > 30
    bad = rated["rating"].isin(["一般", "不满意"])
    assert bad[slow].mean() > 2 * bad[~slow].mean()


# --- orders.csv ----------------------------------------------------------------------------------

def test_orders_schema(tables, vocab):
    """orders.csv has the agreed columns, ids, value sets and consistent payment fields."""
    orders = tables["orders.csv"]
    assert list(orders.columns) == ["order_id", "buyer", "product", "sku", "quantity", "unit_price",
                                    "promotion", "amount", "payment_method", "created_at", "paid_at",
                                    "last_contact_at", "status", "province", "city", "address", "phone",
                                    "note"]
    assert len(orders) == 300
    ids = orders["order_id"]
    assert ids.str.fullmatch(r"2026\d{14}").all() and ids.is_unique and ids.is_monotonic_increasing
    created, paid, contact = (_times(orders[c]) for c in ("created_at", "paid_at", "last_contact_at"))
    assert created.notna().all()
    assert (ids.str[4:8] == created.dt.strftime("%m%d")).all()
    for times in (created, paid, contact):
        _assert_in_october_business_hours(times)
    assert orders["buyer"].str.match(NICKNAME).all()
    catalogue = {p["name"]: p for p in vocab["products"]}
    assert 14 <= len(catalogue) <= 16 and set(orders["product"]) <= set(catalogue)
    for product, sku, price in zip(orders["product"], orders["sku"], orders["unit_price"]):
        color, size = sku.split("/")
        assert color in catalogue[product]["colors"] and size in catalogue[product]["sizes"]
        assert float(price) == catalogue[product]["price"]
    assert set(orders["quantity"]) <= {"1", "2", "3"}
    for column in ("unit_price", "amount"):
        assert orders[column].str.fullmatch(r"\d+\.\d{2}").all()
    assert pd.to_numeric(orders["unit_price"]).between(39, 599).all()
    assert set(orders["promotion"]) == {"无", "满减", "店铺优惠券", "限时秒杀", "聚划算"}
    assert set(orders["status"]) == {"待付款", "已付款", "已发货", "已完成", "退款中", "已关闭"}
    assert set(orders["payment_method"]) == {"支付宝", "信用卡", "花呗", "货到付款", ""}
    unpaid = orders["paid_at"] == ""
    assert ((orders["payment_method"] == "") == unpaid).all()
    assert unpaid[orders["status"] == "待付款"].all()
    assert not unpaid[orders["status"].isin(["已付款", "已发货", "已完成", "退款中"])].any()
    delay = (paid - created).dt.total_seconds().dropna()
    assert delay.between(60, 90 * 60).all()
    assert ((contact - created).dt.total_seconds().dropna() >= 0).all()
    assert orders["phone"].str.fullmatch(r"1\d{2}\*{4}\d{4}").all()
    assert set(orders["note"]) - {""} <= set(vocab["order_notes"])


def test_orders_teaching_features(tables, vocab):
    """Unpaid orders, duplicates, bad addresses and bad amounts have their exact counts."""
    orders = tables["orders.csv"]
    assert orders["status"].value_counts().to_dict() == {
        "已完成": 110, "已发货": 70, "已付款": 45, "待付款": 40, "已关闭": 20, "退款中": 15}
    unpaid = orders["paid_at"] == ""
    assert unpaid.sum() == 52  # 40 待付款 + 12 已关闭 never paid
    assert (unpaid & (orders["status"] == "已关闭")).sum() == 12

    pending = orders[orders["status"] == "待付款"]
    minutes = (_times(pending["last_contact_at"]) - _times(pending["created_at"])).dt.total_seconds() / 60
    assert minutes.isna().sum() == 12  # never contacted
    assert (minutes <= 60).sum() == 13  # contacted 0-60 min after ordering
    assert (minutes <= 15).sum() == 5
    assert (minutes > 60).sum() == 15  # contacted later
    assert pending["created_at"].str[:10].nunique() >= 20

    created = _times(orders["created_at"])
    pairs = 0
    for _, group in orders.assign(t=created).sort_values("t").groupby(["buyer", "product", "sku"]):
        gaps = group["t"].diff().dt.total_seconds().dropna()
        pairs += int((gaps <= 600).sum())
        assert len(group) <= 2 or (gaps > 600).all()
    assert pairs == 6

    cities = {r["province"]: set(r["cities"]) for r in vocab["regions"]}
    address = orders["address"]
    wrong_city = [city not in cities[province] for province, city in zip(orders["province"], orders["city"])]
    kinds = {
        "empty": (address == "").sum(),
        "不详": (address == "不详").sum(),
        "123": (address == "123").sum(),
        "no_number": (~address.isin(["", "不详", "123"]) & ~address.str.contains("号")).sum(),
        "wrong_city": sum(wrong_city),
    }
    assert kinds == {"empty": 2, "不详": 2, "123": 2, "no_number": 2, "wrong_city": 2}
    bad_address = (~address.str.contains("号")) | pd.Series(wrong_city, index=orders.index)
    assert bad_address.sum() == 10

    list_price = pd.to_numeric(orders["quantity"]) * pd.to_numeric(orders["unit_price"])
    amount = pd.to_numeric(orders["amount"])
    assert (amount <= 0.01).sum() == 2
    assert (amount > list_price + 1e-9).sum() == 2
    assert (amount < 0.2 * list_price).sum() == 3  # includes the two <= 0.01
    bad_amount = (amount <= 0.01) | (amount > list_price + 1e-9) | (amount < 0.2 * list_price)
    assert bad_amount.sum() == 5
    assert not (bad_amount & bad_address).any()
    assert (orders["note"] != "").sum() == 44


# --- violations.csv ------------------------------------------------------------------------------

def test_violations_schema(tables, vocab):
    """violations.csv has the agreed columns, ids, stores, rules and summaries."""
    violations = tables["violations.csv"]
    assert list(violations.columns) == ["incident_id", "store", "date", "agent", "rule_code", "rule_name",
                                        "orders_affected", "summary", "status"]
    assert len(violations) == 120
    assert violations["incident_id"].tolist() == [f"V{i:03d}" for i in range(1, 121)]
    stores = {"云裳女装旗舰店", "悦动运动专营店", "小米粒母婴旗舰店", "青禾家居旗舰店"}
    assert set(violations["store"]) == stores == set(vocab["stores"])
    dates = pd.to_datetime(violations["date"], format="%Y-%m-%d")
    assert dates.is_monotonic_increasing
    assert dates.min() >= pd.Timestamp("2026-10-01") and dates.max() <= pd.Timestamp("2026-10-31")
    for store, agent in zip(violations["store"], violations["agent"]):
        assert agent in vocab["stores"][store]
    names = {"invoice": "发票", "free_shipping": "包邮", "credit_card": "信用卡", "cash_on_delivery": "货到付款",
             "privacy": "泄露他人信息", "close_order": "关闭订单"}
    assert set(violations["rule_code"]) == set(names)
    assert (violations["rule_code"].map(names) == violations["rule_name"]).all()
    affected = pd.to_numeric(violations["orders_affected"])
    closing = violations["rule_code"] == "close_order"
    assert (affected[~closing] == 1).all() and affected[closing].between(1, 5).all()
    assert affected[closing].nunique() > 1
    for code, summary in zip(violations["rule_code"], violations["summary"]):
        assert summary in vocab["rules"][code]["summaries"]
    assert (violations.groupby("rule_code")["summary"].nunique() >= 4).all()
    assert set(violations["status"]) == {"成立", "不成立"}


def test_violations_upheld_points_per_store(tables):
    """Upheld penalty points differ between stores and have the expected totals."""
    violations = tables["violations.csv"]
    assert (violations["status"] == "不成立").sum() == 18  # 15 %
    upheld = violations[violations["status"] == "成立"]
    per_order = upheld["rule_code"] == "close_order"
    points = upheld["rule_code"].map(POINTS) * pd.to_numeric(upheld["orders_affected"]).where(per_order, 1)
    totals = points.groupby(upheld["store"]).sum().to_dict()
    assert totals == {"云裳女装旗舰店": 150, "小米粒母婴旗舰店": 137, "悦动运动专营店": 108, "青禾家居旗舰店": 78}
    assert len(set(totals.values())) == 4


# --- carts.csv -----------------------------------------------------------------------------------

def test_carts_schema(tables, vocab):
    """carts.csv has the agreed columns, ids, value sets, money formats and item lists."""
    carts = tables["carts.csv"]
    assert list(carts.columns) == ["cart_id", "buyer", "items", "n_items", "subtotal", "promotion",
                                   "coupon_threshold", "coupon_amount", "red_packet", "member_rate", "points",
                                   "wants_installment"]
    assert len(carts) == 200
    assert carts["cart_id"].tolist() == [f"C{i:03d}" for i in range(1, 201)]
    assert carts["buyer"].str.match(NICKNAME).all()
    assert set(carts["promotion"]) == {"无", "满减", "限时秒杀", "聚划算", "会员专享"}
    for column in ("subtotal", "coupon_threshold", "coupon_amount", "red_packet"):
        present = carts.loc[carts[column] != "", column]
        assert present.str.fullmatch(r"\d+\.\d{2}").all(), column
    assert set(carts["coupon_threshold"]) == {"", "0.00", "199.00", "399.00", "599.00"}
    assert set(carts["coupon_amount"]) == {"", "5.00", "20.00", "50.00", "80.00"}
    assert set(carts["red_packet"]) == {"", "3.00", "5.00", "8.00", "10.00", "15.00", "20.00"}
    assert set(carts["member_rate"]) == {"", "0.95", "0.90", "0.88"}
    points = pd.to_numeric(carts["points"].replace("", None)).dropna()
    assert (points % 50 == 0).all() and points.between(100, 3000).all()
    assert set(carts["wants_installment"]) == {"是", "否"}

    prices = {p["name"]: p["price"] for p in vocab["products"]}
    subtotal = pd.to_numeric(carts["subtotal"])
    for items, pieces, total, promotion in zip(carts["items"], carts["n_items"], subtotal, carts["promotion"]):
        parsed = [entry.split("×") for entry in items.split("、")]
        assert all(name in prices for name, _ in parsed)
        assert len({name for name, _ in parsed}) == len(parsed)
        assert sum(int(q) for _, q in parsed) == int(pieces)
        list_price = sum(prices[name] * int(q) for name, q in parsed)
        if promotion in ("限时秒杀", "聚划算"):  # the activity price: 70-85 % of the list price
            assert 0.7 * list_price - 1e-9 <= total <= 0.85 * list_price + 1e-9
            assert len(parsed) == 1 and (promotion == "聚划算" or pieces == "1")
        else:
            assert total == pytest.approx(list_price)


def test_carts_teaching_features(tables):
    """Promotions, missing discounts, unusable coupons and 分期 wishes have their exact counts."""
    carts = tables["carts.csv"]
    assert carts["promotion"].value_counts().to_dict() == {
        "无": 60, "满减": 55, "会员专享": 35, "限时秒杀": 25, "聚划算": 25}
    empty = {c: int((carts[c] == "").sum()) for c in
             ("coupon_threshold", "coupon_amount", "red_packet", "member_rate", "points")}
    assert empty == {"coupon_threshold": 111, "coupon_amount": 114, "red_packet": 127, "member_rate": 106,
                     "points": 148}
    assert ((carts["coupon_threshold"] != "") & (carts["coupon_amount"] == "")).sum() == 3  # incomplete coupons
    assert ((carts["coupon_threshold"] == "") & (carts["coupon_amount"] != "")).sum() == 0
    exclusive = carts["promotion"].isin(["限时秒杀", "聚划算"])
    assert ((carts["coupon_threshold"] != "") & exclusive).sum() == 22  # coupons that cannot be used there
    assert ((carts["member_rate"] != "") & exclusive).sum() == 21
    assert (carts.loc[carts["promotion"] == "会员专享", "member_rate"] != "").all()  # only members buy these
    subtotal = pd.to_numeric(carts["subtotal"])
    threshold = pd.to_numeric(carts["coupon_threshold"].replace("", None))
    assert (threshold > subtotal).sum() == 9  # coupons whose threshold the subtotal does not reach
    assert ((carts["promotion"] == "满减") & (subtotal >= 299)).sum() == 35
    points = pd.to_numeric(carts["points"].replace("", None))
    assert (points % 100 == 50).sum() == 26  # 50 points that cannot be redeemed
    red = pd.to_numeric(carts["red_packet"].replace("", None)).fillna(0)
    coupon = pd.to_numeric(carts["coupon_amount"].replace("", None)).where(threshold <= subtotal).fillna(0)
    every_discount = subtotal * 0.88 - 30 - coupon - red - points.fillna(0) / 100
    assert (every_discount.where(subtotal >= 299, every_discount + 30) > 0).all()  # never below zero
    assert (carts["wants_installment"] == "是").sum() == 49
    assert ((carts["wants_installment"] == "是") & exclusive).sum() == 11
    assert (subtotal >= 600).sum() == 47
    assert carts["buyer"].nunique() == 119


# --- complaints.csv ------------------------------------------------------------------------------

def test_complaints_schema(tables, vocab):
    """complaints.csv has the agreed columns, ids, value sets and descriptions from the vocabulary."""
    complaints = tables["complaints.csv"]
    assert list(complaints.columns) == ["complaint_id", "received_at", "buyer", "product", "channel", "issue",
                                        "description", "first_reply_at", "status"]
    assert len(complaints) == 160
    assert complaints["complaint_id"].tolist() == [f"T{i:03d}" for i in range(1, 161)]
    received, replied = _times(complaints["received_at"]), _times(complaints["first_reply_at"])
    assert received.notna().all() and received.is_monotonic_increasing
    _assert_in_october_business_hours(received)
    _assert_in_october_business_hours(replied)
    assert (replied.dropna() >= received[replied.notna()]).all()
    assert complaints["buyer"].str.match(NICKNAME).all()
    assert set(complaints["product"]) <= {p["name"] for p in vocab["products"]}
    assert set(complaints["channel"]) == {"旺旺", "中评", "差评", "退款纠纷"}
    levels = yaml.safe_load((DATA / "complaint_levels.yaml").read_text(encoding="utf-8"))
    issues = [i for level in levels["levels"].values() for i in level["issues"]]
    assert sorted(issues) == sorted(vocab["complaints"]["issues"]) and len(set(issues)) == len(issues)
    assert set(complaints["issue"]) == set(issues) | {""}
    assert levels["order"] == ["重度", "中度", "轻度"] == list(reversed(levels["levels"]))
    templates = {i: [t.split("{")[0] for t in ts] for i, ts in vocab["complaints"]["issues"].items()}
    assert not complaints["description"].str.contains(r"[{}]").any()
    for issue, text in zip(complaints["issue"], complaints["description"]):
        if issue:
            assert any(text.startswith(prefix) for prefix in templates[issue]), text
    assert set(complaints["status"]) == {"已解决", "处理中", "平台介入"}


def test_complaints_teaching_features(tables):
    """The planted gaps, boundary cases and late replies of complaints.csv have their exact sizes."""
    complaints = tables["complaints.csv"]
    assert (complaints["issue"] == "").sum() == 12
    assert complaints["issue"].value_counts().to_dict() == {
        "质量问题": 36, "小瑕疵": 30, "物流慢": 30, "服务态度": 22, "虚假宣传": 16, "严重质量问题": 14, "": 12}
    received, replied = _times(complaints["received_at"]), _times(complaints["first_reply_at"])
    minutes = (replied - received).dt.total_seconds() / 60
    assert minutes.isna().sum() == 7  # no reply on record
    assert (minutes == 15).sum() == 6  # exactly on the 15-minute limit: in time
    assert ((minutes > 15) | minutes.isna()).sum() == 47
    assert ((replied.dt.date != received.dt.date) | replied.isna()).sum() == 15  # not answered the same day
    assert (complaints["status"] != "已解决").sum() == 42
