"""One factory per model. Build data the way the services do (paths, townships copied)."""

import random
import string

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from enterprises.models import Enterprise, Industry, RiskColour
from enterprises.validators import ALPHABET, check_character
from grid import roles
from grid.models import Assignment, GridCell
from grid.services import create_cell

_SUBJECT = ALPHABET  # 31 characters allowed in the subject code


def valid_uscc(rng=None):
    """A random but valid 统一社会信用代码 (shared with the validator's property test)."""
    rng = rng or random
    head = rng.choice("9") + rng.choice("123")
    division = "".join(rng.choice(string.digits) for _ in range(6))
    subject = "".join(rng.choice(_SUBJECT) for _ in range(9))
    first17 = head + division + subject
    return first17 + check_character(first17)


def make_cell(name, level, parent=None):
    return create_cell(name=name, level=level, parent=parent)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            group, _ = Group.objects.get_or_create(name=roles.GROUP_NAMES[extracted])
            obj.groups.add(group)

    @factory.post_generation
    def cells(obj, create, extracted, **kwargs):
        if create and extracted:
            for cell in extracted:
                Assignment.objects.get_or_create(user=obj, cell=cell)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class GridCellFactory(DjangoModelFactory):
    """Use ``make_cell``/``create_cell`` for trees; this exists for one-off villages."""

    class Meta:
        model = GridCell

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_cell(
            name=kwargs.get("name") or f"村{random.randint(1, 10**9)}",
            level=kwargs.get("level", GridCell.Level.VILLAGE),
            parent=kwargs["parent"],
        )


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.LazyFunction(valid_uscc)
    industry = Industry.MACHINERY
    address = factory.Faker("address", locale="zh_CN")
    legal_representative = factory.Faker("name", locale="zh_CN")
    safety_officer = factory.Faker("name", locale="zh_CN")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    risk = RiskColour.YELLOW
    township = factory.LazyAttribute(lambda o: GridCell.objects.get(pk=o.cell.township_id))


def today():
    from django.utils import timezone

    return timezone.localdate()


# --- Factories of other areas are appended below, one section per app. ---
