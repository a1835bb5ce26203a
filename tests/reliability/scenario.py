"""Data and actions the reliability tests run INSIDE a subprocess (a real manage.py-like
process on a file database), never inside pytest's in-memory test database.

Run as ``python -m tests.reliability.scenario <function> [json-args]``; the function's
return value is printed as JSON on the last line of stdout.
"""

import io
import json
import os
import sys
import time
from datetime import timedelta


def jpeg_bytes(seed=0, size=(64, 48)):
    """A small, valid JPEG whose pixels depend on ``seed`` (so files differ)."""
    from PIL import Image

    image = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, (seed * 13) % 256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _photo(seed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hazards import photos

    upload = SimpleUploadedFile(f"p{seed}.jpg", jpeg_bytes(seed), content_type="image/jpeg")
    return photos.process_upload(upload)


def _small_county(prefix=""):
    from grid import roles
    from grid.models import GridCell
    from tests.factories import EnterpriseFactory, UserFactory, make_cell

    county = make_cell(f"{prefix}示范县", GridCell.Level.COUNTY)
    town = make_cell(f"{prefix}甲镇", GridCell.Level.TOWNSHIP, county)
    area = make_cell("第一工作区", GridCell.Level.AREA, town)
    villages = [make_cell(f"村{i}", GridCell.Level.VILLAGE, area) for i in range(2)]
    inspector = UserFactory(username=f"{prefix}insp", role=roles.INSPECTOR, cells=[town])
    supervisor = UserFactory(username=f"{prefix}sup", role=roles.SUPERVISOR, cells=[town])
    county_user = UserFactory(username=f"{prefix}cty", role=roles.COUNTY, cells=[county])
    enterprises = [EnterpriseFactory(cell=villages[i % 2]) for i in range(3)]
    return town, villages, inspector, supervisor, county_user, enterprises


def seed_roundtrip():
    """Grid, users, enterprises and hazards in every state, through the workflow, with
    before/after/evidence photos and a supervision order."""
    from django.utils import timezone

    from hazards import workflow

    today = timezone.localdate()
    _town, _villages, insp, sup, cty, enterprises = _small_county()
    seed = 0
    hazards = []
    for i, enterprise in enumerate(enterprises * 2):
        seed += 1
        hazard = workflow.register(
            enterprise=enterprise,
            by=insp,
            level="general",
            category="condition",
            subject="fire",
            description=f"灭火器过期 {i}",
            location=f"车间 {i}",
            found_on=today - timedelta(days=3),
            photos=[_photo(seed)],
        )
        hazards.append(hazard)
    # FOUND, DEADLINE, FIXED, CLOSED, VOID, and FIXED on the spot.
    for hazard in hazards[1:4]:
        workflow.set_deadline(
            hazard,
            by=insp,
            deadline=today + timedelta(days=10),
            measures="更换灭火器",
            responsible_person="张三",
            funds_yuan="150.00",
        )
    for hazard in hazards[2:4]:
        hazard.refresh_from_db()
        seed += 1
        workflow.report_fixed(
            hazard, by=insp, fixed_on=today, note="已更换", after_photos=[_photo(seed)]
        )
    hazards[3].refresh_from_db()
    seed += 1
    workflow.close_out(
        hazards[3], by=sup, acceptance_note="复查合格", evidence_photos=[_photo(seed)]
    )
    workflow.void(hazards[4], by=sup, reason="误报")
    seed += 1
    workflow.register(
        enterprise=enterprises[0],
        by=insp,
        level="general",
        category="behaviour",
        description="未戴安全帽",
        found_on=today,
        photos=[_photo(seed)],
        fixed_on_spot=True,
        fix_note="当场整改",
        after_photos=[_photo(seed + 1)],
    )
    seed += 2
    major = workflow.register(
        enterprise=enterprises[1],
        by=sup,
        level="major",
        category="condition",
        description="储罐区无防火堤",
        found_on=today,
        basis_standard="GB 50016",
        basis_clause="4.2.5",
        photos=[_photo(seed)],
    )
    workflow.issue_order(
        major, by=sup, deadline=today + timedelta(days=5), requirements="立即停用储罐区"
    )
    from hazards.models import Hazard, HazardPhoto

    return {"hazards": Hazard.objects.count(), "photos": HazardPhoto.objects.count()}


def seed_minimal():
    """The small county and two FOUND hazards, no photos: the cheapest useful database."""
    from django.utils import timezone

    from hazards import workflow

    _town, _villages, insp, _sup, _cty, enterprises = _small_county()
    ids = [
        workflow.register(
            enterprise=e,
            by=insp,
            level="general",
            category="condition",
            description="配电箱未上锁",
            found_on=timezone.localdate(),
        ).pk
        for e in enterprises[:2]
    ]
    return {"hazards": ids}


def seed_load(inspectors, supervisors):
    """A township with a village and two enterprises per inspector, and supervisors."""
    from grid import roles
    from grid.models import GridCell
    from tests.factories import EnterpriseFactory, UserFactory, make_cell

    county = make_cell("负载县", GridCell.Level.COUNTY)
    town = make_cell("负载镇", GridCell.Level.TOWNSHIP, county)
    area = make_cell("第一工作区", GridCell.Level.AREA, town)
    people = []
    for i in range(inspectors):
        village = make_cell(f"村{i}", GridCell.Level.VILLAGE, area)
        user = UserFactory(username=f"load_insp{i}", role=roles.INSPECTOR, cells=[village])
        ents = [EnterpriseFactory(cell=village).pk for _ in range(2)]
        people.append({"username": user.username, "role": "inspector", "enterprises": ents})
    for i in range(supervisors):
        user = UserFactory(username=f"load_sup{i}", role=roles.SUPERVISOR, cells=[town])
        people.append({"username": user.username, "role": "supervisor", "enterprises": []})
    for person in people:
        person["password"] = "pass-12345"
    return {"people": people}


def mutate():
    """What a bad day does after the backup: edits, new records, removed and damaged files."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from hazards import workflow
    from hazards.models import Hazard, HazardPhoto

    insp = User.objects.get(username="insp")
    sup = User.objects.get(username="sup")
    first = Hazard.objects.order_by("id").first()
    Hazard.objects.filter(pk=first.pk).update(description="被改掉的描述")
    workflow.register(
        enterprise=first.enterprise,
        by=insp,
        level="general",
        category="management",
        description="备份之后登记的隐患",
        found_on=timezone.localdate(),
        photos=[_photo(999)],
    )
    open_one = Hazard.objects.filter(status="found").exclude(pk=first.pk).first()
    workflow.void(open_one, by=sup, reason="备份之后作废")
    photos = list(HazardPhoto.objects.order_by("id")[:2])
    os.remove(photos[0].image.path)
    with open(photos[1].thumbnail.path, "wb") as f:
        f.write(b"not a jpeg any more")
    User.objects.create_user("intruder", password="x-123456789")
    return {"hazards": Hazard.objects.count()}


def write_until(stop_path, max_seconds=120, prefix="w"):
    """Register hazards with photos in a loop (an app writing meanwhile) until the file
    ``stop_path`` appears, or ``max_seconds`` have passed."""
    from django.utils import timezone

    from hazards import workflow

    *_rest, insp, _sup, _cty, enterprises = _small_county(prefix)
    end = time.monotonic() + max_seconds
    n = 0
    while time.monotonic() < end and not os.path.exists(stop_path):
        n += 1
        workflow.register(
            enterprise=enterprises[n % len(enterprises)],
            by=insp,
            level="general",
            category="condition",
            description=f"并发写入 {n}",
            found_on=timezone.localdate(),
            photos=[_photo(n)],
        )
    return {"written": n}


def hang_inside_transition(hazard_id, ready_path):
    """Start set_deadline on ``hazard_id`` and stop for good right after its UPDATE,
    before the event is written: the parent kills this process with SIGKILL then."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from hazards import workflow
    from hazards.models import Hazard, HazardEvent

    hazard = Hazard.objects.get(pk=hazard_id)
    by = User.objects.get(username="insp")
    real_create = HazardEvent.objects.create

    def create_then_hang(**kwargs):
        status = Hazard.objects.filter(pk=hazard_id).values_list("status", flat=True).get()
        with open(ready_path, "w", encoding="utf-8") as f:
            f.write(status)  # the UPDATE has happened inside this transaction
        time.sleep(600)
        return real_create(**kwargs)

    HazardEvent.objects.create = create_then_hang
    workflow.set_deadline(
        hazard,
        by=by,
        deadline=timezone.localdate() + timedelta(days=7),
        measures="整改",
        responsible_person="李四",
    )
    return {"finished": True}


def set_deadline_now(hazard_id):
    from django.contrib.auth.models import User
    from django.utils import timezone

    from hazards import workflow
    from hazards.models import Hazard

    workflow.set_deadline(
        Hazard.objects.get(pk=hazard_id),
        by=User.objects.get(username="insp"),
        deadline=timezone.localdate() + timedelta(days=7),
        measures="整改",
        responsible_person="李四",
    )
    return {"status": Hazard.objects.get(pk=hazard_id).status}


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    name = argv[1]
    kwargs = json.loads(argv[2]) if len(argv) > 2 else {}
    result = globals()[name](**kwargs)
    sys.stdout.write("\n" + json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
