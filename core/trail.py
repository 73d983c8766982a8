"""The audit trail read as sentences: who changed what, when, from which hall.

The events are django-pghistory's (one table per tracked model, written by
database triggers, append-only); ``pghistory.models.Events`` reads them all as
one list with each change's previous and new value. Here an event becomes what
an auditor reads, in local time, with the model's own words: field verbose
names, choice labels, 空 for nothing, and personal data (ID numbers, phones)
masked unless the viewer may see it unmasked and asked to — that showing is
then written to the disclosure log (``trail_disclose``).
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from pghistory.models import Events

from core.audit import disclosure_record
from core.masking import mask_id_number, mask_phone
from core.models import DisclosureLog

# Columns holding personal information, masked alike in every table of the trail.
MASKED_COLUMNS = {"id_number": mask_id_number, "phone": mask_phone}


@dataclass
class TrailLine:
    """One event of the trail, ready to show."""

    at: dt.datetime
    who: str
    kind: str
    subject: str
    sentence: str
    disclosed: bool = False  # an unmasked personal value is in the sentence
    changes: list = field(default_factory=list)


def trail_events(events=None):
    """Every event of every tracked table (or of ``events``, a queryset of
    ``Events``), newest first: a queryset to filter."""
    return (Events.objects.all() if events is None else events).order_by(
        "-pgh_created_at", "-pgh_id"
    )


def trail_lines(events, *, unmasked: bool = False) -> list[TrailLine]:
    """The events as lines; ``unmasked`` only for a viewer allowed to see it."""
    return [_line(event, unmasked) for event in events]


def trail_disclose(lines, *, user, where: str) -> None:
    """Record that ``user`` saw the unmasked personal data of these lines."""
    subjects = list(dict.fromkeys(line.subject for line in lines if line.disclosed))
    if subjects:
        disclosure_record(
            user=user,
            action=DisclosureLog.Action.VIEW,
            subject=f"{where}：{'、'.join(subjects)}",
        )


def trail_moment(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def trail_who(context: dict | None) -> str:
    """窗口经办 张三（苏州市姑苏区服务大厅）; a change made outside the application
    (raw SQL, a migration) has no user."""
    context = context or {}
    if not context.get("user"):
        return _("(no user recorded)")
    name = context.get("user_name") or context.get("username") or f"#{context['user']}"
    who = " ".join(part for part in (context.get("role", ""), name) if part)
    return f"{who}（{context['hall']}）" if context.get("hall") else who


def _line(event, unmasked: bool) -> TrailLine:
    event_model = apps.get_model(event.pgh_model)
    model = event_model.pgh_tracked_model
    data = _json(event.pgh_data)
    columns = {f.column: f for f in model._meta.concrete_fields}
    kind = str(model._meta.verbose_name)
    who = trail_who(_json(event.pgh_context))
    at = trail_moment(event.pgh_created_at)
    if (
        model._meta.concrete_model._meta.auto_created
    ):  # a many-to-many row: who holds which group, permission
        return _membership_line(event, model, data, columns, at, who)
    subject = _subject(model, data, columns)
    changes, disclosed = [], False
    for column, (old, new) in sorted(_json(event.pgh_diff or {}).items()):
        model_field = columns.get(column)
        if model_field is None or _is_noise(model_field):
            continue
        if column in MASKED_COLUMNS and unmasked and (old or new):
            disclosed = True
        changes.append(
            _("%(field)s from %(old)s to %(new)s")
            % {
                "field": model_field.verbose_name,
                "old": _shown(model_field, old, unmasked),
                "new": _shown(model_field, new, unmasked),
            }
        )
    if event.pgh_label == "insert":
        sentence = _("%(at)s %(who)s added %(kind)s %(subject)s")
    elif event.pgh_label == "delete":
        sentence = _("%(at)s %(who)s deleted %(kind)s %(subject)s")
    elif event.pgh_diff is None:  # the first event of a record older than the trail
        sentence = _("%(at)s %(who)s changed %(kind)s %(subject)s (no earlier record to compare)")
    elif changes:
        sentence = _("%(at)s %(who)s changed %(kind)s %(subject)s: %(changes)s")
    else:
        sentence = _("%(at)s %(who)s saved %(kind)s %(subject)s unchanged")
    sentence %= {
        "at": at,
        "who": who,
        "kind": kind,
        "subject": subject,
        "changes": _("; ").join(changes),
    }
    return TrailLine(at, who, kind, subject, sentence, disclosed, changes)


def _membership_line(event, model, data, columns, at, who) -> TrailLine:
    """为 用户 clerk1 添加 组 窗口经办 / 移除 …: the two sides of the row."""
    holder_field, held_field = [f for f in columns.values() if f.is_relation]
    holder = _related(holder_field, data.get(holder_field.column))
    held = _related(held_field, data.get(held_field.column))
    message = (
        _("%(at)s %(who)s gave %(holder_kind)s %(holder)s the %(held_kind)s %(held)s")
        if event.pgh_label != "delete"
        else _("%(at)s %(who)s took from %(holder_kind)s %(holder)s the %(held_kind)s %(held)s")
    )
    sentence = message % {
        "at": at,
        "who": who,
        "holder_kind": holder_field.related_model._meta.verbose_name,
        "holder": holder,
        "held_kind": held_field.related_model._meta.verbose_name,
        "held": held,
    }
    return TrailLine(at, who, str(model._meta.verbose_name), holder, sentence)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _is_noise(model_field) -> bool:
    """A timestamp the database keeps by itself says nothing of its own."""
    return getattr(model_field, "auto_now", False)


def _subject(model, data, columns) -> str:
    """The record as its model names it (``__str__``), built from the event's row."""
    values = {}
    for column, value in data.items():
        model_field = columns.get(column)
        if model_field is not None:
            try:
                values[model_field.attname] = model_field.to_python(value)
            except Exception:  # a value the field no longer accepts: leave it out
                continue
    try:
        return str(model(**values))
    except (ObjectDoesNotExist, TypeError, ValueError):
        return f"#{data.get(model._meta.pk.column, '?')}"


def _related(model_field, pk) -> str:
    if pk is None:
        return _("(empty)")
    try:
        return str(model_field.related_model._default_manager.get(pk=pk))
    except ObjectDoesNotExist:
        return f"#{pk}"


def _shown(model_field, value, unmasked: bool) -> str:
    """A stored value as the pages show it; nothing is 空."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if model_field.column in MASKED_COLUMNS and not unmasked:
        return MASKED_COLUMNS[model_field.column](str(value))
    if model_field.is_relation:
        return _related(model_field, value)
    if isinstance(model_field, ArrayField):
        return "、".join(_shown(model_field.base_field, v, unmasked) for v in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField):
        return trail_moment(model_field.to_python(value))
    if isinstance(model_field, models.DecimalField):
        return number_format(model_field.to_python(value), 2, force_grouping=True)
    return str(value)
