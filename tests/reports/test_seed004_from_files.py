"""Seed 004 from three files (issue 12): a county loads a hazard ledger, a year of
inspections and a year of enforcement from .xlsx, and its county summary for
2020-01-01..2020-09-30 as of 2020-09-30 reads the reference table, with decoy rows on
either side of the period."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from core.spreadsheets import workbook_bytes
from hazards import imports as hazard_imports
from hazards.models import Category
from inspections import imports
from tests.factories import EnterpriseFactory

D = datetime.date
CATEGORY = str(Category.choices[0][1])


def _enterprises(grid, n=200):
    villages = [grid.village_a1, grid.village_a2, grid.village_b1]
    return [EnterpriseFactory(cell=villages[i % 3]) for i in range(n)]


def _day(i):
    """A date in the period for the i-th record (January to September 2020)."""
    return D(2020, 1, 1) + datetime.timedelta(days=i % 270)


def _ledger(ents):
    """1178 general hazards (1107 rectified by 2020-09-30: 600 closed, 507 fixed; 20 of
    the rest fixed only afterwards), 5 major (4 closed by 2020-09-30), and decoys."""
    rows = []

    def row(ent, level, found, deadline=None, fixed=None, closed=None):
        iso = [d.isoformat() if d else "" for d in (found, deadline, fixed, closed)]
        rows.append([ent.uscc, ent.name, "隐患", level, CATEGORY, *iso])

    for i in range(1178):
        ent, found = ents[i % len(ents)], _day(i)
        deadline = found + datetime.timedelta(days=10)
        if i < 600:
            fixed = found + datetime.timedelta(days=3)
            row(ent, "一般", found, deadline, fixed, fixed + datetime.timedelta(days=1))
        elif i < 1107:
            row(ent, "一般", found, deadline, found + datetime.timedelta(days=2))
        elif i < 1127:
            row(ent, "一般", found, deadline, D(2020, 10, 20))  # fixed after the as-of date
        else:
            row(ent, "一般", found, deadline)
    for i in range(5):
        found = _day(i * 40)
        if i < 4:
            fixed = found + datetime.timedelta(days=20)
            row(ents[i], "重大", found, fixed, fixed, fixed + datetime.timedelta(days=5))
        else:
            row(ents[i], "重大", found, found + datetime.timedelta(days=30))
    row(ents[0], "一般", D(2019, 12, 31))  # decoys
    row(ents[1], "重大", D(2020, 10, 1))
    headers = [
        hazard_imports.USCC,
        hazard_imports.NAME,
        hazard_imports.DESCRIPTION,
        hazard_imports.LEVEL,
        hazard_imports.CATEGORY,
        hazard_imports.FOUND_ON,
        hazard_imports.DEADLINE,
        hazard_imports.FIXED_ON,
        hazard_imports.CLOSED_ON,
    ]
    return workbook_bytes(headers, rows)


def _inspections(ents):
    """343 groups, one outing each: 4 visits, 227 of them a fifth (1599 visits); 4 people,
    65 of them a fifth (1437 person-times). A decoy outing before and after the period."""
    rows = []
    for g in range(343):
        visits = 5 if g < 227 else 4
        people = "、".join(f"组{g}员{p}" for p in range(5 if g < 65 else 4))
        for v in range(visits):
            ent = ents[(g * 5 + v) % len(ents)]
            rows.append([_day(g).isoformat(), ent.uscc, ent.name, f"第{g + 1}检查组", people])
    for on in ("2019-12-20", "2020-10-02"):
        ent = ents[7]
        rows.append([on, ent.uscc, ent.name, "第1检查组", "组0员0、组0员9"])
        rows.append([on, ent.uscc, ent.name, "第999检查组", "甲、乙、丙"])
    return workbook_bytes(imports.INSPECTION_REQUIRED, rows)


def _enforcement(ents):
    """2000 documents, 47 talks, 67 cases; fines 212,210 元; decoys outside the period."""
    rows = []
    for i in range(2000):
        ent = ents[i % len(ents)]
        rows.append([_day(i).isoformat(), ent.uscc, ent.name, "执法文书", f"文书{i}", ""])
    for i in range(47):
        ent = ents[i]
        rows.append([_day(i).isoformat(), ent.uscc, ent.name, "约谈提醒", "", ""])
    for i in range(67):
        ent = ents[i]
        fine = "3167.31" if i < 66 else str(Decimal("212210") - Decimal("3167.31") * 66)
        rows.append([_day(i).isoformat(), ent.uscc, ent.name, "立案查处", f"立案{i}", fine])
    ent = ents[3]
    rows.append(["2019-12-31", ent.uscc, ent.name, "立案查处", "旧案", "99999"])
    rows.append(["2020-10-01", ent.uscc, ent.name, "约谈提醒", "", ""])
    headers = [*imports.ENFORCEMENT_REQUIRED, imports.E_NUMBER, imports.E_FINE]
    return workbook_bytes(headers, rows)


@pytest.mark.django_db
def test_the_county_summary_of_three_imported_files_is_seed_004(grid, personas, tmp_path):
    ents = _enterprises(grid)
    files = {
        "import_hazards": _ledger(ents),
        "import_inspections": _inspections(ents),
        "import_enforcement": _enforcement(ents),
    }
    for command, content in files.items():
        path = tmp_path / f"{command}.xlsx"
        path.write_bytes(content)
        call_command(command, str(path), "--user", personas.county.username)
    for command in ("import_inspections", "import_enforcement"):  # again: nothing changes
        call_command(command, str(tmp_path / f"{command}.xlsx"), "--user", "county")

    out = tmp_path / "汇总.xlsx"
    call_command(
        "export_summary", "--from", "2020-01-01", "--to", "2020-09-30",
        "--as-of", "2020-09-30", "--out", str(out),
    )  # fmt: skip
    ws = load_workbook(out)["汇总"]
    headers = [c.value for c in ws[2]]
    total = dict(zip(headers, [c.value for c in ws[ws.max_row]], strict=True))
    assert total["乡镇"] == "合计"
    assert headers[1:5] == ["检查组数", "出动检查人次", "检查企业数（家次）", "检查企业数（家）"]
    assert (total["检查组数"], total["出动检查人次"], total["检查企业数（家次）"]) == (
        343,
        1437,
        1599,
    )
    assert total["检查企业数（家）"] == 200
    assert (total["一般隐患排查数"], total["一般隐患已整改数"]) == (1178, 1107)
    assert f"{total['一般隐患整改率']:.4f}" == "0.9397"
    assert (total["重大隐患排查数"], total["重大隐患已整改数"]) == (5, 4)
    assert f"{total['重大隐患整改率']:.4f}" == "0.8000"
    assert (total["执法文书"], total["约谈提醒"], total["立案查处"]) == (2000, 47, 67)
    assert Decimal(str(total["罚款(万元)"])) == Decimal("21.221")
