"""Tests of M10's generated KPI month: kpi_sessions.csv, kpi_messages.csv and kpi_orders.csv."""

from __future__ import annotations

import random

import pandas as pd
import pytest
import yaml

from kefu.datagen import DATASETS, generate, kpi_messages, kpi_month, kpi_orders, kpi_sessions

from test_datagen import DATA, NICKNAME, TIME_FMT

KPI_FILES = ("kpi_sessions.csv", "kpi_messages.csv", "kpi_orders.csv")


@pytest.fixture(scope="module")
def month(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """A fresh generation with the default seed, every cell read as text ('' when empty)."""
    out = tmp_path_factory.mktemp("kpi")
    generate(out)
    return {name: pd.read_csv(out / name, dtype=str, keep_default_na=False) for name in KPI_FILES}


def _times(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column.where(column != ""), format=TIME_FMT)


def test_the_three_files_share_one_plan():
    """The three modules share a seed offset, so each writes its part of the same plan."""
    offsets = {module: offset for module, offset in DATASETS}
    assert offsets[kpi_sessions] == offsets[kpi_messages] == offsets[kpi_orders]
    assert len(set(offsets.values())) == len(DATASETS) - 2  # no other dataset uses that offset
    vocab = yaml.safe_load((DATA / "generator_vocab.yaml").read_text(encoding="utf-8"))
    a, b = (kpi_month.plan(random.Random(99), vocab) for _ in range(2))
    assert a == b


def test_sessions_schema(month):
    """kpi_sessions.csv: ids, times in November 2026, agents, stages and value sets."""
    s = month["kpi_sessions.csv"]
    assert list(s.columns) == ["session_id", "start_time", "agent", "buyer", "stage", "invited", "rating", "qc_issue"]
    assert len(s) == sum(p.sessions for p in kpi_month.PROFILES.values()) == 370
    assert list(s["session_id"]) == [f"K{i:04d}" for i in range(1, len(s) + 1)]
    start = _times(s["start_time"])
    assert start.is_monotonic_increasing and start.min() >= pd.Timestamp("2026-11-01 08:00:00")
    assert start.max() <= pd.Timestamp("2026-11-30 23:00:00")
    assert s["agent"].value_counts().to_dict() == {a: p.sessions for a, p in kpi_month.PROFILES.items()}
    assert set(s["stage"]) == {"售前", "售中", "售后"}
    assert set(s["invited"]) == {"是", "否"}
    assert set(s["rating"]) == {"", "很满意", "满意", "一般", "不满意"}
    assert s["buyer"].map(NICKNAME.match).all()


def test_messages_belong_to_their_sessions(month):
    """kpi_messages.csv: every session has messages, the first from the buyer at the session's start."""
    s, m = month["kpi_sessions.csv"], month["kpi_messages.csv"]
    assert list(m.columns) == ["session_id", "agent", "seq", "sender", "sent_at"]
    assert set(m["sender"]) == {"买家", "客服"}
    first = m.groupby("session_id").first()
    assert list(first.index) == list(s["session_id"])
    assert (first["sender"] == "买家").all()
    assert (first["sent_at"].values == s["start_time"].values).all()
    assert (first["agent"].values == s["agent"].values).all()
    seq = m["seq"].astype(int)
    assert (seq == m.groupby("session_id").cumcount() + 1).all()
    times = _times(m["sent_at"])
    assert (times.groupby(m["session_id"]).diff().dropna() >= pd.Timedelta(0)).all()


def test_messages_teaching_features(month):
    """Unanswered sessions, buyers writing twice before a reply, same-second messages, unanswered thanks."""
    s, m = month["kpi_sessions.csv"], month["kpi_messages.csv"]
    replied = m[m["sender"] == "客服"].groupby("session_id").size().reindex(s["session_id"], fill_value=0)
    unanswered = s[replied.values == 0]
    assert 20 <= len(unanswered) <= 40 and unanswered["agent"].nunique() >= 4
    assert (unanswered["invited"] == "否").all()  # no invitation where nobody answered
    prev = m.groupby("session_id")["sender"].shift()
    assert ((m["sender"] == "买家") & (prev == "买家")).sum() > 100
    same_second = m.duplicated(["session_id", "sent_at"], keep=False)
    assert same_second.sum() > 20
    last = m.groupby("session_id").last()
    ends_with_buyer = last[last["sender"] == "买家"].index.difference(unanswered["session_id"])
    assert len(ends_with_buyer) > 50


def test_orders_schema_and_attribution(month):
    """kpi_orders.csv: 18-digit ids, agents of the team or empty, paid or not, reviews and DSR 1-5."""
    s, o = month["kpi_sessions.csv"], month["kpi_orders.csv"]
    assert list(o.columns) == ["order_id", "buyer", "agent", "product", "quantity", "amount", "created_at",
                               "paid_at", "status", "review", "dsr_desc", "dsr_service", "dsr_logistics"]
    assert o["order_id"].str.fullmatch(r"202611\d{12}").all() and o["order_id"].is_unique
    assert set(o["agent"]) == set(kpi_month.PROFILES) | {""}
    assert (o["agent"] == "").sum() == kpi_month.N_SILENT_ORDERS
    created, paid = _times(o["created_at"]), _times(o["paid_at"])
    assert (paid.dropna() >= created[paid.notna()]).all()
    assert set(o.loc[paid.isna(), "status"]) == {"待付款", "已关闭"}
    assert set(o["review"]) <= {"", "好评", "中评", "差评"} and (o["review"] != "").sum() >= 40
    assert (o.loc[o["review"] != "", "status"] == "已完成").all()
    for column in ("dsr_desc", "dsr_service", "dsr_logistics"):
        scores = o.loc[o[column] != "", column].astype(int)
        assert scores.between(1, 5).all() and (o.loc[o[column] != "", "review"] != "").all()
    assert ((o["review"] != "") & (o["dsr_service"] == "")).any()  # a score the buyer skipped
    # attributed orders come from buyers who talked with that agent; a few after a 售中/售后 chat only
    presale = set(zip(s.loc[s["stage"] == "售前", "agent"], s.loc[s["stage"] == "售前", "buyer"]))
    talked = set(zip(s["agent"], s["buyer"]))
    attributed = o[o["agent"] != ""]
    pairs = list(zip(attributed["agent"], attributed["buyer"]))
    assert all(pair in talked for pair in pairs)
    assert 1 <= sum(pair not in presale for pair in pairs) <= kpi_month.N_REPEAT_ORDERS
    silent = o[o["agent"] == ""]
    assert not set(silent["buyer"]) & set(s["buyer"])


def test_qc_issues_per_agent(month):
    """The shop manager's handling notes: the planned number per agent, texts from the vocabulary."""
    s = month["kpi_sessions.csv"]
    noted = s[s["qc_issue"] != ""]
    counts = noted["agent"].value_counts().reindex(list(kpi_month.PROFILES), fill_value=0).to_dict()
    assert counts == {a: p.qc_issues for a, p in kpi_month.PROFILES.items()}
    vocab = yaml.safe_load((DATA / "generator_vocab.yaml").read_text(encoding="utf-8"))
    assert set(noted["qc_issue"]) <= set(vocab["qc_issues"])
