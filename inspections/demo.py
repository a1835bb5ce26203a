"""A few months of field work for the demo county, through the same services people use.

``build_activity(demo)`` takes the ``DemoCounty`` of ``core.demo.build`` (townships, users
by role, enterprises, and an ``rng`` that continues the seed's stream) and writes, for the
four months ending today: inspections against the shipped checklists (most submitted, a
few still being filled), hazards registered from their failed items and walked through
``hazards.workflow`` with past ``at=`` moments into every state — found, deadline (some
overdue), extended, rejected and re-fixed, fixed awaiting re-check, closed, void; major
ones referred to the county, one 挂牌督办, supervision orders for overdue ones — and
enforcement actions with fines. Same seed, same day: same data.
"""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from enterprises.models import EnterpriseStatus, Industry
from grid import roles
from hazards import workflow
from hazards.models import Level, SupervisionOrder
from hazards.photos import process_upload
from inspections import groups, services
from inspections.models import ChecklistTemplate, EnforcementAction, Inspection, InspectionItem

DAYS = 120
GRAND = "安全生产大检查登记表"
CROWDED = "人员密集场所消防安全检查表"
NOTES = [
    "现场查看发现",
    "抽查台账发现",
    "询问员工得知",
    "资料不全",
    "未能提供记录",
    "设施损坏",
]
MEASURES = [
    "立即组织整改，完善相关制度和台账",
    "更换损坏设施，加强日常检查维护",
    "组织专项培训，落实岗位责任",
    "停用相关设备，整改合格后方可使用",
]
REPRESENTATIVE_REFUSALS = ["负责人外出，现场人员拒绝签字", "企业对检查结论有异议，拒签"]


def _moment(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _Photo:
    """One small generated 'after' photo, processed like an upload, reused as bytes."""

    def __init__(self):
        image = Image.new("RGB", (320, 240), (120, 160, 120))
        ImageDraw.Draw(image).rectangle((40, 40, 280, 200), outline=(255, 255, 255), width=6)
        out = io.BytesIO()
        image.save(out, "JPEG")
        self.data = out.getvalue()

    def make(self):
        buffer = io.BytesIO(self.data)
        buffer.name = "after.jpg"
        buffer.size = len(self.data)
        return [process_upload(buffer)]


class _Builder:
    def __init__(self, demo):
        self.demo = demo
        self.rng = demo.rng
        self.today = timezone.localdate()
        self.templates = {t.name: t for t in ChecklistTemplate.objects.filter(is_active=True)}
        self.photo = _Photo()
        self.candidates = {}
        supervisors = demo.users_of(roles.SUPERVISOR)
        self.supervisors = {}
        for user in supervisors:
            cell = user.grid_assignments.select_related("cell").first().cell
            self.supervisors.setdefault(cell.township_id, []).append(user)
        county = demo.users_of(roles.COUNTY)
        self.county = county[0] if county else None
        self.stats = {"inspections": 0, "hazards": 0, "enforcement": 0, "orders": 0}
        self.listed = False
        self.doc_counter = 0
        self._criteria = {}
        self.groups = {}

    # --- people -----------------------------------------------------------------------

    def group_for(self, enterprise):
        if enterprise.cell_id not in self.candidates:
            users = list(services.candidate_inspectors(enterprise))
            field = [u for u in users if roles.role_of(u) == roles.INSPECTOR]
            sup = [u for u in users if roles.role_of(u) == roles.SUPERVISOR]
            self.candidates[enterprise.cell_id] = (field, sup)
        return self.candidates[enterprise.cell_id]

    def supervisor_of(self, township_id, not_user=None):
        options = [u for u in self.supervisors.get(township_id, []) if u != not_user]
        return options[0] if options else None

    def outing_for(self, enterprise, people, on):
        """The same people of a township out on the same day are one outing of one group
        (formed by the township's supervisor, named as on paper), which inspects enterprise
        after enterprise; None where the group cannot be formed (the inspection is then its
        own group and outing)."""
        key = (enterprise.township_id, tuple(sorted(u.pk for u in people)))
        group = self.groups.get(key)
        if group is None:
            former = self.supervisor_of(enterprise.township_id)
            if former is None:
                return None
            number = sum(1 for k in self.groups if k[0] == enterprise.township_id) + 1
            try:
                group = groups.save_group(
                    by=former,
                    name=f"第{number}检查组",
                    unit=enterprise.township,
                    leader=people[0],
                    members=people,
                    kind="routine",
                )
            except services.InspectionError:
                return None
            self.groups[key] = group
        return services.start_outing(group=group, by=people[0], on=on, present=people)

    # --- inspections ------------------------------------------------------------------

    def run(self):
        rng = self.rng
        enterprises = [e for e in self.demo.enterprises if e.status != EnterpriseStatus.CLOSED]
        for enterprise in enterprises:
            visits = rng.choices([0, 1, 2, 3], weights=[3, 5, 3, 1])[0]
            days = sorted(rng.sample(range(DAYS), visits), reverse=True)
            for days_ago in days:
                self.inspect(enterprise, self.today - timedelta(days=days_ago), days_ago)
        return self.stats

    def inspect(self, enterprise, on, days_ago):
        rng = self.rng
        field, sups = self.group_for(enterprise)
        sup = self.supervisor_of(enterprise.township_id)
        pool = field + [u for u in sups if u not in field]
        if not pool:
            return
        enforcement = len(pool) >= 2 and rng.random() < 0.15
        size = 2 if (enforcement or (len(pool) >= 2 and rng.random() < 0.7)) else 1
        group = pool[:size] if rng.random() < 0.6 else rng.sample(pool, size)
        by = group[0]
        kind = rng.choices(
            [Inspection.Kind.ROUTINE, Inspection.Kind.SPECIAL, Inspection.Kind.SUPERVISION],
            weights=[7, 2, 1],
        )[0]
        if kind == Inspection.Kind.SUPERVISION and sup and sup not in group:
            group = [sup] + group[: size - 1] if size > 1 else [sup, group[0]]
            by = sup
        name = CROWDED if enterprise.industry == Industry.FIRE_KEY_UNIT else GRAND
        template = self.templates.get(name) or self.templates.get(GRAND)
        if template is None:
            return
        inspection = services.start(
            enterprise=enterprise,
            by=by,
            kind=kind,
            template=template,
            inspectors=group,
            on=on,
            is_enforcement=enforcement,
            outing=self.outing_for(enterprise, group, on),
        )
        self.stats["inspections"] += 1
        items = list(inspection.items.all())
        draft = days_ago <= 1 and rng.random() < 0.5
        answered = items if not draft else items[: len(items) // 2]
        failed, not_applicable = [], []
        for item in answered:
            roll = rng.random()
            if roll < 0.05:
                failed.append(item)
            elif roll < 0.12:
                not_applicable.append(item)
        # Answers for a whole form at once: the same writes record_result makes, in bulk.
        ids = [i.pk for i in answered]
        InspectionItem.objects.filter(pk__in=ids).update(result=InspectionItem.Result.PASS)
        InspectionItem.objects.filter(pk__in=[i.pk for i in not_applicable]).update(
            result=InspectionItem.Result.NA
        )
        for item in failed:
            InspectionItem.objects.filter(pk=item.pk).update(
                result=InspectionItem.Result.FAIL, note=rng.choice(NOTES)
            )
            item.result, item.note = InspectionItem.Result.FAIL, ""
        if draft:
            return
        refused = rng.random() < 0.05
        services.submit(
            inspection,
            by=by,
            representative="" if refused else enterprise.safety_officer or "企业负责人",
            refused=refused,
            refusal_note=rng.choice(REPRESENTATIVE_REFUSALS) if refused else "",
            at=_moment(on, 17) if on < self.today else None,
        )
        hazards = []
        for item in failed:
            item.refresh_from_db()
            prefill = services.hazard_prefill(item)
            if prefill["level"] == Level.MAJOR and rng.random() < 0.6:
                prefill.update(level=Level.GENERAL, basis_standard="", basis_clause="")
            hazard = services.create_hazard(
                item, by=by, at=_moment(on, 16) if on < self.today else None, **prefill
            )
            self.stats["hazards"] += 1
            hazards.append(hazard)
            self.walk(hazard, group, days_ago)
        if hazards and (enforcement or rng.random() < 0.3):
            self.enforce(inspection, hazards, by)

    # --- the rectification workflow ---------------------------------------------------

    def walk(self, hazard, group, days_ago):
        """Take a new hazard through the workflow, each step at a past moment."""
        rng = self.rng
        found = hazard.found_on
        today = self.today
        inspector = next((u for u in group if roles.role_of(u) == roles.INSPECTOR), group[0])
        sup = self.supervisor_of(hazard.township_id)
        if days_ago <= 2 or sup is None or rng.random() < 0.03:
            return  # just found, or still waiting for its 五定
        if hazard.level == Level.GENERAL and rng.random() < 0.06:
            workflow.void(
                hazard, by=sup, reason="复核为误报：现场已符合要求", at=_moment(found, 18)
            )
            return
        set_on = found + timedelta(days=1)
        deadline = found + timedelta(days=rng.choice([7, 10, 15, 15, 30]))
        major = hazard.level == Level.MAJOR
        workflow.set_deadline(
            hazard,
            by=inspector,
            deadline=deadline,
            measures=rng.choice(MEASURES),
            responsible_person=hazard.enterprise.safety_officer or "企业负责人",
            funds_yuan=Decimal(rng.choice([2000, 5000, 12000, 30000])) if major else None,
            contingency_plan="落实监护和警戒措施，整改期间停止相关作业" if major else "",
            at=_moment(set_on, 9),
        )
        if major:
            workflow.refer_to_county(
                hazard, by=sup, note="重大隐患，移送县应急管理局", at=_moment(set_on, 11)
            )
            if not self.listed and self.county is not None:
                workflow.issue_order(
                    hazard,
                    by=self.county,
                    kind=SupervisionOrder.Kind.LISTING,
                    deadline=deadline,
                    requirements="挂牌督办：限期完成整改，整改期间停止相关作业",
                    at=_moment(set_on, 15),
                )
                self.listed = True
                self.stats["orders"] += 1
        # Extensions: a supervisor extends directly, or approves an inspector's request.
        if rng.random() < 0.12 and deadline > today - timedelta(days=2):
            until = deadline + timedelta(days=10)
            ask = max(set_on, min(deadline, today) - timedelta(days=1))
            if rng.random() < 0.5 or roles.role_of(inspector) != roles.INSPECTOR:
                workflow.extend_deadline(
                    hazard, by=sup, until=until, reason="需采购设备", at=_moment(ask, 10)
                )
            else:
                workflow.request_extension(
                    hazard, by=inspector, until=until, reason="设备到货延迟", at=_moment(ask, 9)
                )
                workflow.approve_extension(hazard, by=sup, note="同意延期", at=_moment(ask, 14))
            deadline = until
            set_on = ask  # nothing happens before the extension in this hazard's history
        fate = rng.random()
        last_possible = min(deadline, today - timedelta(days=1))
        if fate < 0.18 or last_possible <= set_on:
            if deadline < today and not major and rng.random() < 0.5:
                self.order(hazard, sup)
            return  # still in DEADLINE (overdue when the deadline has passed)
        fixed_on = set_on + timedelta(days=rng.randint(0, (last_possible - set_on).days))
        workflow.report_fixed(
            hazard,
            by=inspector,
            fixed_on=fixed_on,
            note="已按要求完成整改",
            after_photos=self.photo.make(),
            at=_moment(fixed_on, 16),
        )
        recheck_on = fixed_on + timedelta(days=rng.randint(1, 4))
        if recheck_on >= today or fate < 0.24:
            return  # FIXED, awaiting re-check
        if not major and rng.random() < 0.1:
            new_deadline = recheck_on + timedelta(days=7)
            workflow.reject_fix(
                hazard,
                by=sup,
                new_deadline=new_deadline,
                note="复查不合格，整改不彻底",
                at=_moment(recheck_on, 10),
            )
            refix = recheck_on + timedelta(days=3)
            if refix >= today:
                return
            workflow.report_fixed(
                hazard,
                by=inspector,
                fixed_on=refix,
                note="已重新整改",
                after_photos=self.photo.make(),
                at=_moment(refix, 16),
            )
            recheck_on = refix + timedelta(days=1)
            if recheck_on >= today:
                return
        closer = self.county if major else sup
        if closer is None or closer == hazard.fixed_by:
            closer = self.supervisor_of(hazard.township_id, not_user=hazard.fixed_by)
            if closer is None or major:
                return
        if major and not hazard.criteria.exists():
            # The county closes a major hazard out only on a library item: picked in 更正.
            item = self.criterion_for(hazard.industry)
            if item is None:
                return
            workflow.amend(
                hazard,
                by=closer,
                note="销号前补选判定依据条款",
                criteria=[item],
                at=_moment(recheck_on, 14),
            )
        workflow.close_out(
            hazard,
            by=closer,
            acceptance_note="经复查，整改到位，同意销号",
            at=_moment(recheck_on, 15),
        )

    def criterion_for(self, industry):
        """The first in-force item of the criteria library for ``industry`` (or None)."""
        from criteria.models import Criterion

        if industry not in self._criteria:
            self._criteria[industry] = (
                Criterion.objects.in_force().for_industry(industry).order_by("pk").first()
            )
        return self._criteria[industry]

    def order(self, hazard, sup):
        """督办单 for an overdue hazard (the workflow checks that it is overdue today)."""
        today = self.today
        hazard.refresh_from_db()
        at = _moment(today, 8) if timezone.now() > _moment(today, 8) else timezone.now()
        workflow.issue_order(
            hazard,
            by=sup,
            deadline=today + timedelta(days=7),
            requirements="逾期未整改，限7日内完成整改并报告",
            at=at,
        )
        self.stats["orders"] += 1

    # --- enforcement ------------------------------------------------------------------

    def enforce(self, inspection, hazards, by):
        rng = self.rng
        enterprise = inspection.enterprise
        on = inspection.date
        self.doc_counter += 1
        services.record_enforcement(
            by=by,
            kind=EnforcementAction.Kind.DOCUMENT,
            document_kind=EnforcementAction.DocumentKind.RECTIFY_ORDER,
            document_number=f"（{enterprise.township.name[:2]}）安监责改〔{on.year}〕{self.doc_counter}号",
            enterprise=enterprise,
            on=on,
            inspection=inspection,
            hazard=hazards[0],
            description="责令限期整改检查发现的隐患",
        )
        self.stats["enforcement"] += 1
        roll = rng.random()
        if roll < 0.3:
            services.record_enforcement(
                by=by,
                kind=EnforcementAction.Kind.TALK,
                enterprise=enterprise,
                on=on,
                inspection=inspection,
                description="约谈企业主要负责人，督促落实主体责任",
            )
            self.stats["enforcement"] += 1
        elif roll < 0.45:
            services.record_enforcement(
                by=by,
                kind=EnforcementAction.Kind.CASE,
                enterprise=enterprise,
                on=on,
                inspection=inspection,
                hazard=hazards[0],
                fine_yuan=Decimal(rng.choice([2000, 5000, 10000, 20000, 30000])),
                description="立案查处，依法给予罚款",
            )
            self.stats["enforcement"] += 1
        elif roll < 0.5 and any(h.level == Level.MAJOR for h in hazards):
            services.record_enforcement(
                by=by,
                kind=EnforcementAction.Kind.SUSPENSION,
                enterprise=enterprise,
                on=on,
                inspection=inspection,
                description="责令停产停业整顿，隐患消除后方可恢复",
            )
            self.stats["enforcement"] += 1


# 企业自查 of the first demo account's enterprise (qy1): a submitted self-inspection from
# two days ago (this month, which its self-reports have not filed yet) with one failed
# item registered by the account with its 五定, so the 来源 split shows 企业自查. No random
# draw, so the rest of the demo is as before.
SELF_ACCOUNT = "qy1"
SELF_ITEM_WORDS = ("灭火器", "消防")


def _self_inspection(stats):
    from enterprises.models import EnterpriseAccount

    account = (
        EnterpriseAccount.objects.filter(user__username=SELF_ACCOUNT, user__is_active=True)
        .select_related("user", "enterprise")
        .first()
    )
    template = ChecklistTemplate.objects.filter(is_active=True, name=GRAND).first()
    if account is None or template is None:
        return
    user, today = account.user, timezone.localdate()
    on = max(today.replace(day=1), today - timedelta(days=2))
    at = _moment(on, 10) if on < today else None
    inspection = services.start_self(
        enterprise=account.enterprise, by=user, template=template, on=on
    )
    items = list(inspection.items.order_by("position"))
    failed = next((i for i in items if any(w in i.text for w in SELF_ITEM_WORDS)), items[-1])
    InspectionItem.objects.filter(inspection=inspection).exclude(pk=failed.pk).update(
        result=InspectionItem.Result.PASS
    )
    photo = _Photo()
    upload = io.BytesIO(photo.data)
    upload.name, upload.size = "before.jpg", len(photo.data)
    services.record_result(
        failed, by=user, result=InspectionItem.Result.FAIL, note="自查发现", photo=upload
    )
    services.submit(inspection, by=user, at=at)
    prefill = {**services.hazard_prefill(failed), "level": Level.GENERAL}
    prefill.update(basis_standard="", basis_clause="", location="成品仓库")
    services.create_hazard(
        failed,
        by=user,
        at=at,
        five_fixes={
            "deadline": today + timedelta(days=15),
            "measures": MEASURES[1],
            "responsible_person": user.get_full_name() or user.username,
        },
        **prefill,
    )
    stats["inspections"] += 1
    stats["hazards"] += 1


@transaction.atomic
def build_activity(demo):
    """Write the demo county's inspections, hazards and enforcement; return counts."""
    from enterprises.models import Enterprise

    # The enterprises as stored (with their townships), in the plan's order.
    by_pk = Enterprise.objects.select_related("township", "cell").in_bulk(
        [e.pk for e in demo.enterprises]
    )
    demo.enterprises = [by_pk[e.pk] for e in demo.enterprises]
    stats = _Builder(demo).run()
    _self_inspection(stats)
    return stats
