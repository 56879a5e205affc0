"""API documents built by PostgreSQL: one JSON text per record, nested lines included.

Reads do not build model instances or serializer trees: one statement picks the (already
scoped, filtered and paged) rows and renders them, with money as strings ("133300000.00"), dates
in ISO 8601 and times in UTC. The field sets here are the contract of DESIGN §3; tests hold them
equal to the schema serializers in serializers.py.

Compiling a document's forty-odd expressions with the ORM cost more than PostgreSQL took to run
the query (the benchmark, bench/README.md), so each document's SQL is compiled once per process
and ordering; per request only the small query that picks the rows is compiled, and goes inside.
"""

import re
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, router
from django.db.models import (
    Aggregate,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    JSONField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.module_loading import import_string

from fms.cases.models import Case, LineItem
from fms.cases.selectors import (
    notification_required_expression,
    review_ends_on_expression,
)
from fms.core.api.pagination import KeysetPage
from fms.core.prepared import filled, prepared_cursor, split_at
from fms.ledger.models import ApprovalEvent
from fms.notifications import selectors as notification_selectors
from fms.notifications.models import CongressionalNotification
from fms.reference.models import ImplementingAgency, Purchaser

_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")


class JSONBuild(Func):
    """json_build_object('key', value, ...) with the keys written into the SQL (they are code constants)."""

    output_field = JSONField()

    def __init__(self, **fields: Expression) -> None:
        assert all(_KEY.match(key) for key in fields)
        self.keys = list(fields)
        super().__init__(*fields.values())

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, sql_params = compiler.compile(expression)
            parts.append(f"'{key}', {sql}")
            params.extend(sql_params)
        return f"json_build_object({', '.join(parts)})", params


class JSONAgg(Aggregate):
    function = "JSON_AGG"
    allow_order_by = True
    output_field = JSONField()


def text(expression: Expression | str) -> Cast:
    """Money and other exact values as JSON strings."""
    return Cast(F(expression) if isinstance(expression, str) else expression, TextField())


def as_text(document: Expression) -> Cast:
    """The document as JSON text, so the driver hands back bytes to send rather than parsed objects."""
    return Cast(document, TextField())


def line_document(prefix: str = "") -> JSONBuild:
    def f(name):
        return F(prefix + name)

    return JSONBuild(
        case=f("case__case_id"),
        line_number=f("line_number"),
        category=f("category"),
        description=f("description"),
        masl=f("masl"),
        quantity=f("quantity"),
        unit_of_issue=f("unit_of_issue"),
        unit_cost=text(prefix + "unit_cost"),
        total_cost=text(prefix + "total_cost"),
        is_mde=f("is_mde"),
        is_sme=f("is_sme"),
        source_code=f("source_code"),
        type_of_assistance=f("type_of_assistance"),
        offer_release_code=f("offer_release_code"),
        delivery_term_code=f("delivery_term_code"),
        months_of_service=f("months_of_service"),
        delivery_from_months=f("delivery_from_months"),
        delivery_to_months=f("delivery_to_months"),
        review_status=f("review_status"),
        created_by=f("created_by__username"),
        updated_by=f("updated_by__username"),
        updated_at=f("updated_at"),
        version=f("version"),
    )


def lines_of_case() -> Coalesce:
    """The current lines of the outer case, in line-number order, as a JSON array."""
    lines = (
        LineItem.objects.filter(case=OuterRef("pk"), removed_at__isnull=True)
        .order_by()
        .values("case")
        .annotate(docs=JSONAgg(line_document(), order_by="line_number"))
        .values("docs")
    )
    return Coalesce(Subquery(lines, output_field=JSONField()), Func(template="'[]'::json", output_field=JSONField()))


# DESIGN §3/§4.3: the document in force is the latest accepted or issued one; until one is, the
# estimate is the latest frozen (offered) one's. LOA documents belong to fms.documents, above
# this app: they are reached through the reverse relation `Case.documents`, never imported.
IN_FORCE = ("accepted", "issued")
FROZEN = ("offered", "accepted", "issued")


def _latest_document(statuses: tuple[str, ...], column: str) -> Subquery:
    documents = Case._meta.get_field("documents").related_model.objects
    latest = documents.filter(case=OuterRef("pk"), status__in=statuses).order_by("-created_at", "-id")
    return Subquery(latest.values(column)[:1])


def effective_document() -> Subquery:
    return _latest_document(IN_FORCE, "label")


def estimated_total(*, working_copy: bool = True) -> Cast:
    """The document in force's total, else the offered one's, else (staff only) the working copy's priced today."""
    totals = [_latest_document(IN_FORCE, "total_estimated_cost"), _latest_document(FROZEN, "total_estimated_cost")]
    if working_copy:
        totals.append(import_string(settings.CASE_WORKING_COPY_TOTAL)())
    return text(Coalesce(*totals))


def case_document(*, with_lines: bool) -> JSONBuild:
    fields = {
        "case_id": F("case_id"),
        "purchaser": F("purchaser_id"),
        "implementing_agency": F("implementing_agency_id"),
        "title": F("title"),
        "description": F("description"),
        "notes": F("notes"),
        "status": F("status"),
        "lor_date": F("lor_date"),
        "lor_received_on": F("lor_received_on"),
        "offer_expires_on": F("offer_expires_on"),
        "notification": F("notification__transmittal_number"),
        "notification_id": F("notification_id"),
        "total_value": text("total_value"),
        "mde_value": text("mde_value"),
        "design_construction_value": text("design_construction_value"),
        "notification_required": notification_required_expression(),
        "effective_document": effective_document(),
        "estimated_total": estimated_total(),
        "created_by": F("created_by__username"),
        "created_at": F("created_at"),
        "updated_at": F("updated_at"),
        "version": F("version"),
    }
    if with_lines:
        fields["lines"] = lines_of_case()
    return JSONBuild(**fields)


# What a purchaser's users read of a case (DESIGN §8): the header without internal notes, staff
# names or the working copy's figures, the offered documents' label and total, and the lines of the
# document offered or in force.
PURCHASER_CASE_FIELDS = (
    "case_id",
    "purchaser",
    "implementing_agency",
    "title",
    "description",
    "status",
    "lor_date",
    "lor_received_on",
    "offer_expires_on",
    "notification",
    "effective_document",
    "estimated_total",
    "created_at",
    "updated_at",
    "version",
)


def purchaser_case_document(*, with_lines: bool) -> JSONBuild:
    staff_view = case_document(with_lines=False)
    expressions = dict(zip(staff_view.keys, staff_view.get_source_expressions(), strict=True))
    fields = {name: expressions[name] for name in PURCHASER_CASE_FIELDS}
    fields["estimated_total"] = estimated_total(working_copy=False)  # a purchaser never sees the working copy
    if with_lines:
        fields["lines"] = import_string(settings.PURCHASER_CASE_LINES)()
    return JSONBuild(**fields)


def event_document() -> JSONBuild:
    return JSONBuild(
        id=F("id"),
        case=F("case__case_id"),
        line_number=F("line_item__line_number"),
        seq=F("seq"),
        action=F("action"),
        from_status=F("from_status"),
        to_status=F("to_status"),
        actor=F("actor__username"),
        actor_name=F("actor_name"),
        comment=F("comment"),
        occurred_at=F("occurred_at"),
        content_digest=F("content_digest"),
        prev_hash=F("prev_hash"),
        hash=F("hash"),
        hash_version=F("hash_version"),
        via=F("via"),
        document=F("document"),
        log_index=F("log_entry__log_index"),
    )


# A purchaser reads a milestone as the implementing agency's: no staff name, no comment, no position
# in the case's chain or the global log (the view adds the purchaser's own opaque `id`). Its `hash`
# stays: it counts nothing, and names the event to anyone who verifies the ledger.
PURCHASER_EVENT_FIELDS = ("case", "action", "from_status", "to_status", "occurred_at", "hash", "document")


def purchaser_event_document() -> JSONBuild:
    staff_view = event_document()
    expressions = dict(zip(staff_view.keys, staff_view.get_source_expressions(), strict=True))
    return JSONBuild(
        **{name: expressions[name] for name in PURCHASER_EVENT_FIELDS},
        actor=F("case__implementing_agency_id"),
        actor_name=F("case__implementing_agency__name"),
    )


def notification_document() -> JSONBuild:
    room = notification_selectors.room_annotations()
    money_out = DecimalField(max_digits=15, decimal_places=2)
    remaining = ExpressionWrapper(F("total_value") - room["committed_value"], output_field=money_out)
    return JSONBuild(
        id=F("id"),
        kind=F("kind"),
        original=F("original__transmittal_number"),
        original_id=F("original_id"),
        transmittal_number=F("transmittal_number"),
        purchaser=F("purchaser_id"),
        implementing_agency=F("implementing_agency_id"),
        status=F("status"),
        notified_on=F("notified_on"),
        informal_review_started_on=F("informal_review_started_on"),
        mde_value=text("mde_value"),
        non_mde_value=text("non_mde_value"),
        total_value=text("total_value"),
        description=F("description"),
        emergency=F("emergency"),
        review_group=F("review_group"),
        formal_review_days=F("formal_review_days"),
        review_ends_on=review_ends_on_expression(),
        threshold_mde=text("threshold_mde"),
        threshold_total=text("threshold_total"),
        threshold_design_construction=text("threshold_design_construction"),
        committed_value=text(room["committed_value"]),
        committed_mde_value=text(room["committed_mde_value"]),
        remaining_value=text(remaining),
        version=F("version"),
    )


def purchaser_document() -> JSONBuild:
    return JSONBuild(
        code=F("code"), name=F("name"), review_group=F("review_group"), accelerated_closure=F("accelerated_closure")
    )


def agency_document() -> JSONBuild:
    return JSONBuild(code=F("code"), name=F("name"))


_ROWS = "ARRAY(/* the rows the request picked */)"


class Document:
    """A document of one model whose SQL the ORM compiles once per (extra columns, ordering)."""

    def __init__(self, model: type[Model], build: Callable[[], JSONBuild]):
        self.model, self.build = model, build
        self.template = cache(self._template)

    def _template(self, extra: tuple[str, ...], ordering: tuple[str, ...]) -> tuple[str, str, tuple, int]:
        """The SQL with a marker where the row picker goes (prepared.split_at)."""
        meta = self.model._meta
        quote = connection.ops.quote_name
        picked = f"{quote(meta.db_table)}.{quote(meta.pk.column)} = ANY({_ROWS})"
        rendered = (
            self.model._default_manager.annotate(doc=as_text(self.build()))
            .extra(where=[picked])  # noqa: S610 - a constant clause, replaced per request by the picking query
            .order_by(*ordering)
            .values_list("doc", *extra)
        )
        return split_at(*rendered.query.sql_with_params(), _ROWS)

    def rows(self, queryset: QuerySet, extra: tuple[str, ...]) -> list[tuple]:
        """(json text, *extra columns) for each row of an ordered (sliced), scoped queryset, in one statement."""
        try:
            picker, picker_params = queryset.values("pk").query.sql_with_params()
        except EmptyResultSet:  # e.g. queryset.none(), or a key out of the column's range
            return []
        return self.picked(picker, picker_params, extra, tuple(queryset.query.order_by), using=queryset.db)

    def picked(
        self, picker: str, picker_params: list, extra: tuple[str, ...], ordering: tuple = (), using: str | None = None
    ) -> list[tuple]:
        """The same for the rows whose ids an already compiled SELECT picks (e.g. selectors.case_picker),
        on the connection the router chose (the replica for a purchaser's read)."""
        sql, params = filled(self.template(extra, ordering), f"ARRAY({picker})", picker_params)
        with prepared_cursor(connections[using or router.db_for_read(self.model)]) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def page(self, picker: tuple[str, list] | None, page: KeysetPage) -> list[tuple]:
        """(json text, *sort key) for each row of a keyset page whose ids `picker` selects in the page's order
        (e.g. selectors.case_page_picker; None: no rows)."""
        if picker is None:
            return []
        return self.picked(*picker, page.ordering.fields, tuple(page.ordering.order_by(reverse=page.backwards)))


def documents(queryset: QuerySet, document: Document, *extra: str) -> list[tuple]:
    """(json text, *extra columns) for each row of an ordered, scoped queryset."""
    return document.rows(queryset, extra)


CASE = Document(Case, lambda: case_document(with_lines=False))
CASE_WITH_LINES = Document(Case, lambda: case_document(with_lines=True))
LINE = Document(LineItem, line_document)
EVENT = Document(ApprovalEvent, event_document)
PURCHASER_CASE = Document(Case, lambda: purchaser_case_document(with_lines=False))
PURCHASER_CASE_WITH_LINES = Document(Case, lambda: purchaser_case_document(with_lines=True))
PURCHASER_EVENT = Document(ApprovalEvent, purchaser_event_document)
NOTIFICATION = Document(CongressionalNotification, notification_document)
PURCHASER = Document(Purchaser, purchaser_document)
AGENCY = Document(ImplementingAgency, agency_document)
