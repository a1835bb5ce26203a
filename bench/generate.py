"""Fill a bench database with a realistic county at scale.

    .venv/bin/python bench/generate.py --db sqlite --hazards 1000000
    .venv/bin/python bench/generate.py --db postgres --hazards 100000

The county: 20 townships × 2 work areas × 5 villages, ~20,000 enterprises (one per 50
hazards), ~300,000 inspections (0.3 per hazard) with their inspectors, enforcement
actions, supervision orders, users of every role (password ``bench.common.PASSWORD``), and
hazards over the three years up to today in the mix of docs/benchmarks.md#baselines: 0.5 %
major; 77 % closed, 11 % fixed, 6.5 % deadline, 2.5 % found, 3 % void. Hazards found in
the last 18 months went through the workflow (register, 五定, extensions, fix, close-out:
one event each, finders recorded, linked to the inspection that found them); older ones
were imported from the paper ledger (one ``import`` event, finder names as text). Every row
satisfies the models' check constraints (fixed_on ≥ found_on, closed_on ≥ fixed_on, a
DEADLINE hazard has a deadline and its original deadline, ...).

The generator writes rows directly, in bulk (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), with secondary indexes dropped during the load and rebuilt afterwards. It is
the only code outside hazards.workflow that writes hazards, and only into the bench
database it has just created: it wipes that database first (bench/results/bench-<N>.sqlite3,
or the PostgreSQL database ``<BENCH_DB_PREFIX><N>``, never one another checkout made)
and runs ``migrate`` on it.
"""

import argparse
import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

# --- word pools (what real ledgers say) ------------------------------------------------------

TOWNSHIPS = [
    "城关镇", "青石镇", "柳河镇", "白塔镇", "高桥镇", "龙泉镇", "新兴街道", "东城街道",
    "西城街道", "南湖镇", "北岭镇", "马家镇", "杨柳镇", "黄土镇", "石门镇", "双河镇",
    "大营镇", "三里镇", "桃园镇", "金沙镇",
]  # fmt: skip
VILLAGE_WORDS = [
    "东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "王", "李", "张", "刘",
    "陈", "杨", "赵", "黄", "周", "吴", "孙", "马", "高", "林", "何", "郭", "罗", "梁",
]  # fmt: skip
VILLAGE_SUFFIX = ["村", "庄", "社区", "园区", "营村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕红梅玉兰俊峰"
FIRM_WORDS = [
    "宏达", "鑫源", "华兴", "恒通", "金鼎", "瑞丰", "永盛", "天成", "聚力", "盛世", "东方",
    "利民", "祥和", "众诚", "新华", "长城", "泰山", "凯旋", "佳美", "安泰",
]  # fmt: skip
INDUSTRY_FIRM = {
    "non_coal_mine": ("矿业有限公司", 1), "hazchem": ("化工有限公司", 2),
    "fireworks": ("烟花爆竹经营部", 1), "metallurgy": ("铸造厂", 2), "nonferrous": ("铝业有限公司", 1),
    "building_materials": ("建材厂", 6), "machinery": ("机械厂", 10), "light": ("食品加工厂", 8),
    "textile": ("纺织厂", 4), "tobacco": ("烟叶站", 1), "commerce": ("商贸有限公司", 16),
    "construction": ("建筑工程有限公司", 6), "fire_key_unit": ("大酒店", 8),
    "road_transport": ("运输有限公司", 5), "special_equipment": ("起重设备有限公司", 2),
    "food_safety": ("饭店", 8), "culture_education": ("培训学校", 3), "tourism": ("旅游景区", 2),
    "gas": ("燃气有限公司", 2), "other": ("有限公司", 12),
}  # fmt: skip
SUBJECT_PHRASES = {
    "fire": ["灭火器过期未检验", "消防通道堆放杂物", "安全出口指示标志损坏", "消火栓被遮挡",
             "疏散通道上锁", "应急照明灯不亮"],
    "electrical": ["配电箱未上锁", "电线私拉乱接", "配电柜前堆放杂物", "电缆绝缘层破损",
                   "插座超负荷使用", "未安装漏电保护器"],
    "special_equipment": ["叉车未定期检验", "行车限位器失效", "压力容器超期未检", "电梯维保记录缺失"],
    "hazchem": ["危化品未分类存放", "危化品仓库未设防爆灯具", "气瓶未固定", "化学品安全技术说明书缺失"],
    "confined_space": ["有限空间无警示标识", "有限空间作业未审批", "未配备气体检测仪"],
    "dust": ["除尘系统未定期清理", "粉尘作业场所积尘", "除尘器未设泄爆装置"],
    "machinery": ["设备传动部位无防护罩", "砂轮机无防护挡板", "冲床光电保护失效", "设备接地不良"],
    "height": ["高处作业未系安全带", "临边防护栏杆缺失", "脚手架未验收"],
    "gas": ["燃气管道未设切断阀", "燃气报警器失效", "液化气瓶与灶具间距不足"],
    "building": ["厂房墙体开裂", "彩钢板房违规住人", "屋面承重不足"],
    "occupational_health": ["未配备劳动防护用品", "噪声作业未佩戴耳塞", "职业健康检查缺失"],
    "management": ["安全管理制度不健全", "未开展安全教育培训", "特种作业人员无证上岗",
                   "应急预案未演练", "隐患排查记录缺失"],
    "other": ["现场管理混乱", "安全警示标志缺失", "作业现场照明不足"],
}  # fmt: skip
SUBJECT_WEIGHTS = {
    "fire": 24, "electrical": 20, "special_equipment": 6, "hazchem": 5, "confined_space": 3,
    "dust": 3, "machinery": 10, "height": 4, "gas": 4, "building": 3,
    "occupational_health": 4, "management": 10, "other": 4,
}  # fmt: skip
LOCATIONS = ["生产车间", "一号车间", "二号车间", "仓库", "配电室", "办公楼", "锅炉房", "厨房",
             "宿舍", "厂区道路", "原料库", "成品库", "机修间", "楼梯间", "地下室"]  # fmt: skip
MEASURES = ["立即更换", "清理通道并加强日常巡查", "加装防护装置", "委托有资质单位检验",
            "规范线路敷设", "组织全员培训", "完善管理制度并落实责任"]  # fmt: skip
FIX_NOTES = ["已按要求整改完毕", "已更换新设备", "已清理完毕，附整改后照片", "已整改，制度已上墙"]
ACCEPTANCE = ["经复查，整改到位，同意销号。", "现场复核合格，予以销号。"]
VOID_REASONS = ["重复登记", "误报，经核实不构成隐患", "企业已关闭注销"]
MAJOR_BASIS = [
    ("《工贸企业重大事故隐患判定标准》", "第四条第（一）项"),
    ("《工贸企业重大事故隐患判定标准》", "第十三条第（二）项"),
    ("《危险化学品企业重大危险源安全包保责任制办法》", "第八条"),
    ("《重大火灾隐患判定方法》GB 35181", "6.2"),
]

STATE_MIX = [("closed", 770), ("fixed", 110), ("deadline", 65), ("found", 25), ("void", 30)]
DAYS = 3 * 365  # found dates span the three years up to today
WORKFLOW_DAYS = 548  # the last 18 months went through the app; older hazards were imported
BATCH = 20_000


# --- database writers ------------------------------------------------------------------------


class SQLiteWriter:
    ts_suffix = ""

    def __init__(self, path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        # CHECK constraints call REGEXP (the USCC shape), as on Django's own connections.
        self.conn.create_function(
            "REGEXP",
            2,
            lambda p, s: s is not None and re.search(p, s) is not None,
            deterministic=True,
        )
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-400000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
            "locking_mode=EXCLUSIVE",
        ):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("BEGIN")

    def insert(self, table, columns, rows):
        sql = (
            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        )
        self.conn.executemany(sql, rows)

    def execute(self, sql):
        self.conn.execute(sql)

    def drop_indexes(self, tables):
        marks = ",".join("?" * len(tables))
        saved = self.conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})",
            tables,
        ).fetchall()
        for name, _sql in saved:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in saved]

    def create_indexes(self, statements):
        for sql in statements:
            self.conn.execute(sql)

    def finish(self):
        self.conn.execute("COMMIT")
        # Back to what the app runs with. The statistics come from the migrate that follows
        # (core.sqlite: every migrate ends with ANALYZE, as on an installation's upgrade).
        self.conn.execute("PRAGMA locking_mode=NORMAL")
        self.conn.execute("PRAGMA journal_mode=WAL").fetchall()
        self.conn.close()


class PostgresWriter:
    ts_suffix = "+00"

    def __init__(self, url):
        import psycopg

        self.conn = psycopg.connect(url)
        # Rows are consistent by construction: skip the per-row FK triggers during the load.
        # CHECK constraints still apply.
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET maintenance_work_mem = '256MB'")

    def insert(self, table, columns, rows):
        with self.conn.cursor() as cur:
            with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)

    def execute(self, sql):
        self.conn.execute(sql)

    def drop_indexes(self, tables):
        saved = self.conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
            "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            (list(tables),),
        ).fetchall()
        for name, _sql in saved:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _name, sql in saved]

    def create_indexes(self, statements):
        for sql in statements:
            self.conn.execute(sql)

    def finish(self):
        # Identity sequences follow the explicit ids we wrote, so the app can insert again.
        tables = self.conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND is_identity = 'YES'"
        ).fetchall()
        for table, column in tables:
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table}"), 0) + 1, false)'
            )
        self.conn.commit()
        self.conn.autocommit = True
        # Autovacuum would do this within minutes on a real server; do it now.
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()


class Table:
    """A model's table: the columns we set, plus every other NOT NULL column at its default."""

    def __init__(self, model, columns, ts_suffix):
        from django.db import models

        self.name = model._meta.db_table
        given = set(columns)
        extra_cols, extra_vals = [], []
        for field in model._meta.concrete_fields:
            if field.column in given:
                continue
            if field.has_default():
                value = field.get_default()
            elif field.null:
                continue
            elif isinstance(field, models.CharField | models.TextField):
                value = ""
            else:
                raise SystemExit(
                    f"{self.name}.{field.column} is NOT NULL without a default: "
                    "teach bench/generate.py what to put there"
                )
            extra_cols.append(field.column)
            extra_vals.append(_db_value(value, ts_suffix))
        unknown = given - {f.column for f in model._meta.concrete_fields}
        if unknown:
            raise SystemExit(f"{self.name} has no columns {sorted(unknown)}")
        self.columns = list(columns) + extra_cols
        self.extra = tuple(extra_vals)


def _d(iso):
    return date.fromisoformat(iso) if iso else None


def _iso(day):
    return day.isoformat() if day else None


def _db_value(value, ts_suffix):
    from datetime import datetime
    from decimal import Decimal

    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") + ts_suffix
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- preparing the database ------------------------------------------------------------------


def recreate_database(db, n):
    """Drop and recreate the bench database, then migrate it (in a child process)."""
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{common.sqlite_path(n)}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg
        from psycopg import sql

        name = common.pg_name(n)
        with psycopg.connect(common.pg_url(n, "postgres"), autocommit=True) as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            ).fetchone()
            if row is not None and row[0] != common.OWNER:
                raise SystemExit(
                    f"database {name} exists and is not this checkout's bench database "
                    f"(its comment: {row[0]!r}); set BENCH_DB_PREFIX to another prefix"
                )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
            comment = sql.SQL("COMMENT ON DATABASE {} IS {}")
            conn.execute(comment.format(sql.Identifier(name), sql.Literal(common.OWNER)))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=common.ROOT,
        env=common.child_env(db, n),
        check=True,
    )


def hazard_count(db, n):
    """Hazards in the bench database, or None when it does not exist or is not migrated."""
    try:
        if db == "sqlite":
            if not common.sqlite_path(n).exists():
                return None
            conn = sqlite3.connect(common.sqlite_path(n))
            try:
                return conn.execute("SELECT COUNT(*) FROM hazards_hazard").fetchone()[0]
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(common.pg_url(n)) as conn:
            return conn.execute("SELECT COUNT(*) FROM hazards_hazard").fetchone()[0]
    except Exception:  # noqa: BLE001 — missing file, missing database, missing table
        return None


# --- the generator ---------------------------------------------------------------------------


class County:
    def __init__(self, n_hazards, writer, seed, groups, password):
        from django.utils import timezone

        self.groups = groups
        self.password = password

        self.n = n_hazards
        self.w = writer
        self.rng = random.Random(seed)
        self.suffix = writer.ts_suffix
        self.today = timezone.localdate()
        self.start = self.today - timedelta(days=DAYS - 1)
        self.T = DAYS - 1  # day index of today
        self.cutover = self.T - WORKFLOW_DAYS
        # Day index → ISO date, for every day a deadline may reach.
        self.iso = [(self.start + timedelta(days=i)).isoformat() for i in range(DAYS + 400)]
        self.year = [(self.start + timedelta(days=i)).year for i in range(DAYS + 400)]
        self.counts = {}

    # helpers
    def ts(self, day, rng=None):
        r = rng or self.rng
        # 09:00–16:59 Asia/Shanghai is 01:00–08:59 UTC, the same calendar day.
        return f"{self.iso[day]} 0{r.randint(1, 8)}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}{self.suffix}"

    def name(self):
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.randint(1, 2)))

    def table(self, model, columns):
        return Table(model, columns, self.suffix)

    def put(self, table, rows):
        extra = table.extra
        if extra:
            rows = [row + extra for row in rows]
        self.w.insert(table.name, table.columns, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    # steps
    def run(self):
        from django.contrib.auth.models import User

        from enterprises.models import Enterprise
        from grid.models import Assignment, GridCell
        from hazards.models import Hazard, HazardEvent, HazardState, SupervisionOrder
        from inspections.models import EnforcementAction, Inspection

        tables = [
            GridCell,
            Assignment,
            User,
            User.groups.through,
            Enterprise,
            Enterprise.inspectors.through,
            Inspection,
            Inspection.inspectors.through,
            EnforcementAction,
            Hazard,
            Hazard.finders.through,
            HazardEvent,
            HazardState,
            SupervisionOrder,
        ]
        t0 = time.perf_counter()
        saved = self.w.drop_indexes([m._meta.db_table for m in tables])
        self.grid(GridCell, Assignment, User)
        self.enterprises(Enterprise)
        self.inspections(Inspection, EnforcementAction)
        self.hazards(Hazard, HazardEvent, HazardState, SupervisionOrder)
        self.sequences()
        t1 = time.perf_counter()
        self.w.create_indexes(saved)
        t2 = time.perf_counter()
        self.w.finish()
        t3 = time.perf_counter()
        self.timing = {"rows": t1 - t0, "indexes": t2 - t1, "finish": t3 - t2}

    def grid(self, GridCell, Assignment, User):
        from grid import roles

        r = self.rng
        cells = self.table(GridCell, ["id", "name", "code", "level", "parent_id", "path",
                                      "township_id", "is_active"])  # fmt: skip
        rows = [(1, "示范县", "371300", 1, None, "1/", None, True)]
        next_id = 2
        self.townships = []  # (id, [village ids])
        self.village_township = {}
        for t, tname in enumerate(TOWNSHIPS, start=1):
            tid = next_id
            next_id += 1
            rows.append((tid, tname, f"3713{t:02d}", 2, 1, f"1/{tid}/", tid, True))
            villages = []
            used = set()
            for a in (1, 2):
                aid = next_id
                next_id += 1
                rows.append(
                    (aid, f"第{'一二'[a - 1]}工作区", "", 3, tid, f"1/{tid}/{aid}/", tid, True)
                )
                for _v in range(5):
                    while True:
                        vname = (
                            r.choice(VILLAGE_WORDS)
                            + r.choice(VILLAGE_WORDS)
                            + r.choice(VILLAGE_SUFFIX)
                        )
                        if vname not in used:
                            used.add(vname)
                            break
                    vid = next_id
                    next_id += 1
                    rows.append((vid, vname, "", 4, aid, f"1/{tid}/{aid}/{vid}/", tid, True))
                    villages.append(vid)
                    self.village_township[vid] = tid
            self.townships.append((tid, villages))
        self.put(cells, rows)

        users = self.table(User, ["id", "password", "is_superuser", "username", "first_name",
                                  "last_name", "email", "is_staff", "is_active", "date_joined"])  # fmt: skip
        members = self.table(User.groups.through, ["id", "user_id", "group_id"])
        assign = self.table(Assignment, ["id", "user_id", "cell_id"])
        urows, grows, arows = [], [], []
        joined = self.ts(0)
        uid = 0

        def add(username, role, cell_ids, staff=False, superuser=False):
            nonlocal uid
            uid += 1
            urows.append((uid, self.password, superuser, username, self.name(), "", "", staff,
                          True, joined))  # fmt: skip
            if role:
                grows.append((len(grows) + 1, uid, self.groups[roles.GROUP_NAMES[role]]))
            for c in cell_ids:
                arows.append((len(arows) + 1, uid, c))
            return uid

        self.admin_id = add("admin", roles.ADMIN, [], staff=True, superuser=True)
        self.county_ids = [add(f"county{i}", roles.COUNTY, [1]) for i in range(1, 6)]
        self.supervisors = {}  # township id → [user ids]
        self.inspectors = {}  # township id → [user ids]
        self.village_inspectors = {}
        for t, (tid, villages) in enumerate(self.townships, start=1):
            self.supervisors[tid] = [add(f"sup{t:02d}{s}", roles.SUPERVISOR, [tid]) for s in "ab"]
            self.inspectors[tid] = []
            for v, vid in enumerate(villages, start=1):
                ids = [add(f"insp{t:02d}{v:02d}{s}", roles.INSPECTOR, [vid]) for s in "ab"]
                self.village_inspectors[vid] = ids
                self.inspectors[tid].extend(ids)
        self.put(users, urows)
        self.put(members, grows)
        self.put(assign, arows)

    def enterprises(self, Enterprise):
        from enterprises.validators import ALPHABET, check_character

        r = self.rng
        n = max(200, self.n // 50)
        industries = list(INDUSTRY_FIRM)
        weights = [INDUSTRY_FIRM[i][1] for i in industries]
        ent = self.table(Enterprise, ["id", "name", "uscc", "industry", "scale", "address",
                                      "legal_representative", "safety_officer", "phone", "cell_id",
                                      "township_id", "risk", "status", "created_at", "updated_at"])  # fmt: skip
        m2m = self.table(Enterprise.inspectors.through, ["id", "enterprise_id", "user_id"])
        villages = [v for _t, vs in self.townships for v in vs]
        seen = set()
        rows, links = [], []
        self.ent = []  # index → (id, village, township, industry)
        for eid in range(1, n + 1):
            vid = r.choice(villages)
            tid = self.village_township[vid]
            industry = r.choices(industries, weights)[0]
            while True:
                first17 = (
                    "91"
                    + "3713"
                    + f"{r.randint(0, 99):02d}"
                    + "".join(r.choice(ALPHABET) for _ in range(9))
                )
                code = first17 + check_character(first17)
                if code not in seen:
                    seen.add(code)
                    break
            name = f"{r.choice(FIRM_WORDS)}{r.choice(FIRM_WORDS)}{INDUSTRY_FIRM[industry][0]}"
            risk = r.choices(["red", "orange", "yellow", "blue"], [2, 8, 30, 60])[0]
            rows.append((eid, name, code, industry, r.choice(["above", "below", "below"]),
                         f"{r.randint(1, 300)}号", self.name(), self.name(),
                         f"13{r.randint(0, 999999999):09d}", vid, tid, risk,
                         "operating" if r.random() < 0.95 else "suspended", self.ts(0), self.ts(0)))  # fmt: skip
            for uid in r.sample(self.village_inspectors[vid], r.choice([1, 1, 2])):
                links.append((len(links) + 1, eid, uid))
            self.ent.append((eid, vid, tid, industry))
        self.put(ent, rows)
        self.put(m2m, links)

    def inspections(self, Inspection, EnforcementAction):
        r = self.rng
        n = max(100, round(self.n * 0.3))
        ins = self.table(Inspection, ["id", "enterprise_id", "cell_id", "township_id", "date",
                                      "kind", "is_enforcement", "inspector_count", "representative",
                                      "notes", "status", "submitted_at", "created_by_id",
                                      "created_at"])  # fmt: skip
        m2m = self.table(Inspection.inspectors.through, ["id", "inspection_id", "user_id"])
        enf = self.table(EnforcementAction, ["id", "kind", "document_kind", "document_number",
                                             "enterprise_id", "cell_id", "township_id",
                                             "inspection_id", "date", "fine_yuan", "description",
                                             "created_by_id", "created_at"])  # fmt: skip
        self.by_day = [[] for _ in range(DAYS)]
        self.ins_inspectors = {}
        rows, links, actions = [], [], []
        link_id = enf_id = 0
        days = sorted(r.randint(0, self.T) for _ in range(n))
        for iid, day in enumerate(days, start=1):
            eid, vid, tid, _ind = r.choice(self.ent)
            count = r.choices([1, 2, 3, 4], [15, 55, 20, 10])[0]
            pool = self.village_inspectors[vid] + self.supervisors[tid]
            crew = r.sample(pool, min(count, len(pool)))
            enforcement = count >= 2 and r.random() < 0.1
            ts = self.ts(day)
            rows.append((iid, eid, vid, tid, self.iso[day],
                         r.choices(["routine", "special", "supervision", "recheck"], [70, 15, 5, 10])[0],
                         enforcement, len(crew), self.name(), "", "submitted", ts, crew[0], ts))  # fmt: skip
            for uid in crew:
                link_id += 1
                links.append((link_id, iid, uid))
            self.by_day[day].append(iid)
            self.ins_inspectors[iid] = (eid, vid, tid, crew)
            x = r.random()
            if x < 0.25:
                kind, doc, fine = "document", "rectify_order", "0"
                if r.random() < 0.2:
                    doc = r.choice(["onsite_decision", "recheck_opinion", "inquiry_record"])
            elif x < 0.26:
                kind, doc, fine = "talk", "", "0"
            elif x < 0.275:
                kind, doc, fine = "case", "penalty_decision", f"{r.randint(1, 50) * 1000}"
            elif x < 0.278:
                kind, doc, fine = "suspension", "onsite_decision", "0"
            else:
                kind = None
            if kind:
                enf_id += 1
                actions.append((enf_id, kind, doc, f"安监{self.year[day]}-{enf_id:06d}" if doc else "",
                                eid, vid, tid, iid, self.iso[day], fine, "", crew[0], ts))  # fmt: skip
            if len(rows) >= BATCH:
                self.put(ins, rows)
                self.put(m2m, links)
                rows, links = [], []
        self.put(ins, rows)
        self.put(m2m, links)
        self.put(enf, actions)

    def _found_day(self, state):
        r = self.rng
        T = self.T
        if state == "void":
            return r.randint(self.cutover, T)
        if state == "fixed":
            return T - r.randint(0, 60) if r.random() < 0.75 else r.randint(0, T)
        if state == "deadline":
            return T - r.randint(0, 30) if r.random() < 0.75 else r.randint(0, T)
        if state == "found":
            return T - r.randint(0, 14) if r.random() < 0.85 else r.randint(self.cutover, T)
        return r.randint(0, T)

    def hazards(self, Hazard, HazardEvent, HazardState, SupervisionOrder):
        from types import SimpleNamespace

        from hazards.models import OPEN_END
        from hazards.states import expected_intervals

        def day_of(ts):  # every timestamp falls on its local calendar day (see ts())
            return date.fromisoformat(ts[:10])

        open_end = OPEN_END.isoformat()
        r = self.rng
        T = self.T
        haz = self.table(Hazard, [
            "id", "number", "enterprise_id", "cell_id", "township_id", "industry", "inspection_id",
            "level", "category", "subject", "description", "location", "found_on", "finder_names",
            "registered_by_id", "status", "measures", "responsible_person", "funds_yuan",
            "deadline", "original_deadline", "contingency_plan", "basis_standard", "basis_clause",
            "stop_scope", "listing_level", "referred_at", "fixed_on", "fixed_by_id", "fix_note",
            "closed_on", "closed_by_id", "acceptance_note", "void_reason", "is_recurrence",
            "created_at", "updated_at",
        ])  # fmt: skip
        finders = self.table(Hazard.finders.through, ["id", "hazard_id", "user_id"])
        events = self.table(HazardEvent, ["id", "hazard_id", "action", "actor_id", "at",
                                          "from_status", "to_status", "note", "data"])  # fmt: skip
        state_table = self.table(HazardState, ["id", "hazard_id", "valid_from", "valid_until",
                                               "status", "deadline", "original_deadline",
                                               "fixed_on", "closed_on", "enterprise_id",
                                               "township_id", "cell_id", "industry", "level",
                                               "found_on"])  # fmt: skip
        orders = self.table(SupervisionOrder, ["id", "number", "kind", "level", "hazard_id",
                                               "cell_id", "township_id", "authority",
                                               "document_number", "issued_on", "deadline",
                                               "requirements", "issued_by_id", "created_at"])  # fmt: skip
        states = [s for s, _w in STATE_MIX]
        sweights = [w for _s, w in STATE_MIX]
        subjects = list(SUBJECT_WEIGHTS)
        subject_w = list(SUBJECT_WEIGHTS.values())
        plan = []
        for _ in range(self.n):
            state = r.choices(states, sweights)[0]
            plan.append((self._found_day(state), state))
        plan.sort()  # ids follow found dates, as registration would give them
        seq = {}
        order_seq = {}
        self.max_seq = seq
        self.max_order = order_seq
        hrows, frows, erows, orows, srows = [], [], [], [], []
        fid = evid = oid = sid = 0
        for hid, (day, state) in enumerate(plan, start=1):
            imported = day < self.cutover
            iid = None
            if not imported and self.by_day[day]:
                iid = r.choice(self.by_day[day])
                eid, vid, tid, crew = self.ins_inspectors[iid]
                industry = self.ent[eid - 1][3]
            else:
                eid, vid, tid, industry = r.choice(self.ent)
                crew = r.sample(self.village_inspectors[vid], 1)
            y = self.year[day]
            seq[y] = seq.get(y, 0) + 1
            number = f"YH{y}-{seq[y]:06d}"
            major = r.random() < 0.005
            level = "major" if major else "general"
            subject = r.choices(subjects, subject_w)[0]
            description = r.choice(SUBJECT_PHRASES[subject])
            location = r.choice(LOCATIONS)
            category = r.choices(["condition", "behaviour", "management"], [55, 15, 30])[0]
            registrar = self.admin_id if imported else crew[0]
            fixer = r.choice(self.inspectors[tid])
            closer = r.choice(self.county_ids) if major else r.choice(self.supervisors[tid])
            # 五定 and dates, as day indices.
            on_spot = not major and state in ("closed", "fixed") and r.random() < 0.4
            has_deadline = (
                not on_spot and state != "found" and not (state == "void" and r.random() < 0.5)
            )
            deadline = original = fixed = closed = None
            extended = False
            if has_deadline:
                span = (
                    r.choice([7, 15, 15, 30, 30, 60, 90]) if not major else r.choice([60, 90, 180])
                )
                original = day + span
                deadline = original
                if state in ("deadline", "fixed", "closed") and r.random() < 0.08:
                    extended = True
                    deadline = original + r.choice([15, 30, 60])
            if state in ("fixed", "closed"):
                if on_spot:
                    fixed = day
                elif r.random() < 0.9:
                    fixed = day + r.randint(1, original - day)
                else:
                    fixed = deadline + r.randint(1, 30)
                fixed = min(fixed, T)
                if state == "closed":
                    closed = min(fixed + r.randint(0, 14), T)
            last_day = closed or fixed or day
            measures = r.choice(MEASURES) if has_deadline else ""
            listing = ""
            referred = None
            basis_std = basis_clause = stop_scope = plan_text = ""
            if major:
                basis_std, basis_clause = r.choice(MAJOR_BASIS)
                stop_scope = r.choice(["", "停止相关区域作业"])
                listing = r.choice(["", "township", "county"])
                plan_text = "制定专项治理方案，落实监控措施和应急预案"
                referred = self.ts(min(day + 1, T))
            funds = f"{r.randint(1, 200) * 50}.00" if has_deadline and r.random() < 0.6 else None
            found_ts = self.ts(day)
            hrows.append((
                hid, number, eid, vid, tid, industry, iid, level, category, subject, description,
                location, self.iso[day], "、".join(self.name() for _ in crew[:2]) if imported else "",
                registrar, state, measures, self.name() if has_deadline else "", funds,
                self.iso[deadline] if deadline is not None else None,
                self.iso[original] if original is not None else None, plan_text, basis_std,
                basis_clause, stop_scope, listing, referred,
                self.iso[fixed] if fixed is not None else None,
                fixer if fixed is not None else None,
                r.choice(FIX_NOTES) if fixed is not None else "",
                self.iso[closed] if closed is not None else None,
                closer if closed is not None else None,
                r.choice(ACCEPTANCE) if closed is not None else "",
                r.choice(VOID_REASONS) if state == "void" else "",
                r.random() < 0.02, found_ts, self.ts(last_day),
            ))  # fmt: skip
            # History: one import event, or one event per workflow step.
            first_event = len(erows)
            if imported:
                evid += 1
                erows.append((evid, hid, "import", registrar, found_ts, "", state, "",
                              f'{{"number": "{number}"}}'))  # fmt: skip
            else:
                for f in crew[:2]:
                    fid += 1
                    frows.append((fid, hid, f))
                evid += 1
                erows.append((evid, hid, "register", registrar, found_ts, "", "found", "",
                               f'{{"finders": {json.dumps(crew[:2])}, "found_on": "{self.iso[day]}", '
                               f'"inspection": {iid or "null"}, "is_recurrence": false, '
                               f'"level": "{level}", "number": "{number}"}}'))  # fmt: skip
                prev = "found"
                if has_deadline:
                    evid += 1
                    erows.append((evid, hid, "set_deadline", registrar, self.ts(day), "found",
                                  "deadline", "", f'{{"deadline": "{self.iso[original]}", '
                                  f'"measures": "{measures}", "original_deadline": "{self.iso[original]}"}}'))  # fmt: skip
                    prev = "deadline"
                    if extended:
                        ask = min(day + (original - day) // 2, T)
                        evid += 1
                        erows.append((evid, hid, "request_extension", fixer, self.ts(ask),
                                       "deadline", "deadline", "设备采购周期长",
                                       f'{{"extension_requested_until": "{self.iso[deadline]}"}}'))  # fmt: skip
                        evid += 1
                        erows.append((evid, hid, "approve_extension", self.supervisors[tid][0],
                                       self.ts(ask), "deadline", "deadline", "",
                                       f'{{"deadline": "{self.iso[deadline]}"}}'))  # fmt: skip
                if fixed is not None:
                    evid += 1
                    erows.append((evid, hid, "report_fixed", fixer, self.ts(fixed), prev, "fixed",
                                  "", f'{{"fixed_on": "{self.iso[fixed]}"}}'))  # fmt: skip
                    prev = "fixed"
                if closed is not None:
                    evid += 1
                    erows.append((evid, hid, "close_out", closer, self.ts(closed), "fixed",
                                  "closed", "", f'{{"closed_on": "{self.iso[closed]}"}}'))  # fmt: skip
                if state == "void":
                    evid += 1
                    erows.append((evid, hid, "void", self.supervisors[tid][0],
                                  self.ts(min(day + 2, T)), prev, "void", "误报", "{}"))  # fmt: skip
            # Status as of a date: the intervals hazards.states derives from these events.
            h = hrows[-1]
            own = SimpleNamespace(
                found_on=date.fromisoformat(h[12]), status=state,
                deadline=_d(h[19]), original_deadline=_d(h[20]), fixed_on=_d(h[27]),
                closed_on=_d(h[30]),
            )  # fmt: skip
            mine = [
                SimpleNamespace(action=e[2], at=e[4], to_status=e[6], data=json.loads(e[8]))
                for e in erows[first_event:]
            ]
            if imported:
                mine[0].data = {}  # the generator's import keeps no row: the own dates
            for iv in expected_intervals(own, mine, day_of):
                sid += 1
                srows.append((sid, hid, iv.valid_from.isoformat(),
                              open_end if iv.valid_until == OPEN_END else iv.valid_until.isoformat(),
                              iv.status, _iso(iv.deadline), _iso(iv.original_deadline),
                              _iso(iv.fixed_on), _iso(iv.closed_on), eid, tid, vid, industry,
                              level, h[12]))  # fmt: skip
            # 督办单: a third of the overdue ones and most listed major hazards.
            overdue = state == "deadline" and deadline < T
            if (overdue and r.random() < 0.3) or (listing and state != "void"):
                issued = min(deadline if overdue else day + 1, T)
                oy = self.year[issued]
                order_seq[oy] = order_seq.get(oy, 0) + 1
                oid += 1
                county = listing == "county"
                issuer = r.choice(self.county_ids) if county else self.supervisors[tid][0]
                orows.append((oid, f"DB{oy}-{order_seq[oy]:04d}",
                              "listing" if listing else "order", "county" if county else "township",
                              hid, vid, tid, "县应急管理局" if county else "镇安监站",
                              f"安委办督〔{oy}〕{order_seq[oy]}号", self.iso[issued],
                              self.iso[issued + 15], "限期完成整改并书面报告", issuer,
                              self.ts(issued)))  # fmt: skip
                evid += 1
                erows.append((evid, hid, "issue_order", issuer, self.ts(issued), state, state, "",
                              f'{{"order": "DB{oy}-{order_seq[oy]:04d}"}}'))  # fmt: skip
            if len(hrows) >= BATCH:
                self.put(haz, hrows)
                self.put(finders, frows)
                self.put(events, erows)
                self.put(state_table, srows)
                hrows, frows, erows, srows = [], [], [], []
        self.put(haz, hrows)
        self.put(finders, frows)
        self.put(events, erows)
        self.put(state_table, srows)
        self.put(orders, orows)

    def sequences(self):
        from core.models import NumberSequence

        table = self.table(NumberSequence, ["key", "last"])
        rows = [(f"YH{y}", n) for y, n in self.max_seq.items()]
        rows += [(f"DB{y}", n) for y, n in self.max_order.items()]
        self.put(table, rows)


def generate(db, n_hazards, seed=2026):
    recreate_database(db, n_hazards)
    common.setup_django(db, n_hazards)
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection

    groups = dict(Group.objects.values_list("name", "id"))
    connection.close()
    if db == "sqlite":
        writer = SQLiteWriter(common.sqlite_path(n_hazards))
    else:
        writer = PostgresWriter(common.pg_url(n_hazards))
    county = County(n_hazards, writer, seed, groups, make_password(common.PASSWORD))
    t0 = time.perf_counter()
    county.run()
    # The ledger's state counts (hazards.StateCount): SQLite's triggers counted the rows as
    # they were written, PostgreSQL's replica mode skipped its triggers. Recount (exact).
    from hazards.counts import rebuild_state_counts

    rebuild_state_counts()
    connection.close()
    # Migrate once more, as an upgrade of a running installation would: on SQLite that ends
    # with ANALYZE (core.sqlite), so the planner has the statistics of the data.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=common.ROOT,
        env=common.child_env(db, n_hazards),
        check=True,
    )
    elapsed = time.perf_counter() - t0
    return {"seconds": round(elapsed, 1), "timing": county.timing, "rows": county.counts}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = generate(args.db, args.hazards, args.seed)
    total = time.perf_counter() - t0
    for table, n in sorted(result["rows"].items()):
        print(f"  {table:40} {n:>10,}")
    t = result["timing"]
    print(
        f"{args.db}: {args.hazards:,} hazards in {total:.0f} s (migrate + rows {t['rows']:.0f} s"
        f" + indexes {t['indexes']:.0f} s + finish {t['finish']:.0f} s)"
    )


if __name__ == "__main__":
    main()
