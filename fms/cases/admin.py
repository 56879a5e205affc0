"""The admin: every model registered; every change to cases, lines and notifications goes
through fms.cases.services, and a refused change is shown as a message, never a 500."""

from django import forms
from django.contrib import admin, messages
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from fms.cases import rules, selectors, services, workflow
from fms.cases.models import Case, LineItem
from fms.core.admin import VersionedModelForm, refusals_as_messages
from fms.core.errors import DomainError
from fms.core.numbers import ascii_int
from fms.ledger.models import ApprovalEvent
from fms.ledger.verification import verify_ledger
from fms.notifications import services as notification_services
from fms.notifications.models import CongressionalNotification


def money(value) -> str:
    return f"${value:,.2f}" if value is not None else "—"


@admin.register(CongressionalNotification)
class CongressionalNotificationAdmin(admin.ModelAdmin):
    """Through fms.notifications.services: sensitive changes become pending changes for a second cn_officer."""

    list_display = (
        "__str__", "kind", "status", "purchaser", "notified_on", "total_value_display", "review_ends_on", "emergency",
    )  # fmt: skip
    list_filter = ("kind", "status", "purchaser", "emergency")
    search_fields = ("transmittal_number", "description")
    readonly_fields = (
        "emergency", "review_group", "formal_review_days", "review_ends_on", "threshold_total", "threshold_mde",
        "threshold_design_construction", "created_at",
    )  # fmt: skip
    fields = (
        "kind", "original", "purchaser", "implementing_agency", "transmittal_number", "status", "notified_on",
        "informal_review_started_on", "mde_value", "non_mde_value", "total_value", "description", "source_text",
        *readonly_fields,
    )  # fmt: skip

    def get_queryset(self, request):
        return selectors.notification_queryset_for(request.user).select_related("purchaser")

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "purchaser") if obj else self.readonly_fields

    @admin.display(description="total value", ordering="total_value")
    def total_value_display(self, obj):
        return money(obj.total_value)

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        editable = notification_services.EDITABLE_FIELDS
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in editable}
            _, pending = notification_services.notification_update(actor=request.user, notification=obj, **changes)
            if pending is not None:
                messages.info(request, f"Change {pending.number} waits for a second cn_officer.")
        else:
            data = {name: value for name, value in form.cleaned_data.items() if name in editable}
            data.pop("purchaser", None)
            created = notification_services.notification_create(
                actor=request.user, purchaser=form.cleaned_data["purchaser"], **data
            )
            obj.pk = created.pk


def limit_text(form: forms.Form) -> None:
    """The free-text limits of rules.TEXT_LIMITS on a form's fields: refused next to the field, form kept."""
    for name, limit in rules.TEXT_LIMITS.items():
        field = form.fields.get(name)
        if isinstance(field, forms.CharField) and not field.disabled:
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)


class LineItemForm(VersionedModelForm):
    class Meta:
        model = LineItem
        fields = (
            "line_number",
            "category",
            "description",
            "masl",
            "quantity",
            "unit_of_issue",
            "unit_cost",
            "is_mde",
            "is_sme",
        )
        widgets = {"description": forms.TextInput(attrs={"size": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self)
        number = self.fields.get("line_number")  # absent when the form is read-only (a reviewer, an auditor)
        if number is not None:
            number.required = False
            number.help_text = "Leave empty for the next free number."
            number.disabled = bool(self.instance.pk)


class LineItemInline(admin.TabularInline):
    model = LineItem
    form = LineItemForm
    fields = (*LineItemForm.Meta.fields, "total_cost_display", "review_status", "version", "read_version")
    readonly_fields = ("total_cost_display", "review_status", "version")
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(removed_at__isnull=True)

    def _editable(self, obj) -> bool:
        return obj is None or obj.status in workflow.LINES_EDITABLE_IN

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="total cost")
    def total_cost_display(self, obj):
        return money(obj.total_cost) if obj.pk else "—"


class ApprovalEventInline(admin.TabularInline):
    model = ApprovalEvent
    fields = (
        "seq",
        "occurred_at",
        "action",
        "line_item",
        "from_status",
        "to_status",
        "actor_name",
        "comment",
        "short_hash",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "ledger event"
    verbose_name_plural = "ledger (append-only)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("line_item").order_by("seq")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="hash")
    def short_hash(self, obj):
        return obj.hash[:12] + "…"


class CaseAdminForm(VersionedModelForm):
    class Meta:
        model = Case
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_text(self)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "case_id",
        "title",
        "purchaser",
        "implementing_agency",
        "status",
        "total_value_display",
        "mde_value_display",
        "updated_at",
    )
    list_filter = ("status", "purchaser", "implementing_agency")
    search_fields = ("case_id", "title")
    list_select_related = ("purchaser", "implementing_agency")
    inlines = (LineItemInline, ApprovalEventInline)
    change_form_template = "admin/cases/case/change_form.html"
    form = CaseAdminForm

    class Media:
        css = {"all": ("fms/admin.css",)}

    readonly_fields = (
        "status",
        "total_value_display",
        "mde_value_display",
        "design_construction_value_display",
        "notification_required_display",
        "version",
        "created_by",
        "created_at",
        "updated_at",
        "ledger_verification",
        "field_history",
    )
    fieldsets = (
        (None, {"fields": ("case_id", "purchaser", "implementing_agency", "title", "status")}),
        ("Dates", {"fields": ("lor_date", "lor_received_on", "offer_expires_on")}),
        ("36(b) notification", {"fields": ("notification", "notification_required_display")}),
        (
            "Value",
            {"fields": ("total_value_display", "mde_value_display", "design_construction_value_display")},
        ),
        ("Text", {"fields": ("description", "notes")}),
        ("Record", {"fields": ("version", "created_by", "created_at", "updated_at", "ledger_verification")}),
        ("Field history", {"classes": ("collapse",), "fields": ("field_history",)}),
    )

    def get_queryset(self, request) -> QuerySet[Case]:
        return selectors.case_queryset_for(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # a case is never deleted: its ledger points at it; cancel it instead

    def get_inlines(self, request, obj):
        return self.inlines if obj else (LineItemInline,)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("status",)
        return ("case_id", "purchaser", "implementing_agency", *self.readonly_fields)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("case_id", "purchaser", "implementing_agency", "title", "status")}),
                ("Dates", {"fields": ("lor_date", "lor_received_on")}),
                ("36(b) notification", {"fields": ("notification",)}),
                ("Text", {"fields": ("description", "notes")}),
            )
        (_, first), *rest = self.fieldsets
        return ((None, {"fields": (*first["fields"], "read_version")}), *rest)  # the version this page shows

    @admin.display(description="total value", ordering="total_value")
    def total_value_display(self, obj):
        return money(obj.total_value)

    @admin.display(description="MDE value", ordering="mde_value")
    def mde_value_display(self, obj):
        return money(obj.mde_value)

    @admin.display(description="design & construction value")
    def design_construction_value_display(self, obj):
        return money(obj.design_construction_value)

    @admin.display(description="36(b) notification required", boolean=True)
    def notification_required_display(self, obj):
        return obj.notification_required

    @admin.display(description="ledger")
    def ledger_verification(self, obj):
        result = verify_ledger([obj.pk])
        if result.ok:
            return format_html("✔ {} events, hash chain verified", result.events)
        return format_html("✘ chain broken: {}", str(result.breaks[0]))

    @admin.display(description="field history")
    def field_history(self, obj):
        rows = [
            (
                f"{row['at']:%Y-%m-%d %H:%M:%S} UTC",
                row["who"],
                row["what"],
                "; ".join(f"{field}: {old!r} → {new!r}" for field, old, new in row["changes"]) or "—",
            )
            for row in selectors.field_history_of(obj)
        ]
        if not rows:
            return "No changes recorded."
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            '<table class="fms-history"><thead><tr><th>when</th><th>who</th><th>what</th><th>change</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            body,
        )

    # -- writes go through the services ----------------------------------------------------------

    @refusals_as_messages
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id:
            case = self.get_object(request, object_id)
            if case is not None:
                extra_context["step_options"] = services.case_step_options(request.user, case)
                lines = case.lines.filter(removed_at__isnull=True).select_related("case").order_by("line_number")
                extra_context["line_options"] = [
                    (line, services.line_step_options(request.user, line)) for line in lines
                ]
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            changes = {
                name: form.cleaned_data[name] for name in form.changed_data if name in services.CASE_EDITABLE_FIELDS
            }
            version = form.cleaned_data.get("read_version")
            services.case_update(actor=request.user, case=obj, expected_version=version, **changes)
            obj.refresh_from_db()
        else:
            data = form.cleaned_data
            created = services.case_create(
                actor=request.user,
                case_id=data["case_id"],
                purchaser=data["purchaser"],
                implementing_agency=data["implementing_agency"],
                title=data["title"],
                description=data.get("description", ""),
                notes=data.get("notes", ""),
                lor_date=data.get("lor_date"),
                lor_received_on=data.get("lor_received_on"),
                notification=data.get("notification"),
            )
            obj.pk, obj.version, obj._state.adding = created.pk, created.version, False

    def save_formset(self, request, form, formset, change):
        if formset.model is not LineItem:
            return super().save_formset(request, form, formset, change)
        case = form.instance
        for line_form in formset.forms:
            line = line_form.instance
            version = line_form.cleaned_data.get("read_version") if line.pk else None
            if line_form in formset.deleted_forms:
                if line.pk:
                    services.line_item_remove(actor=request.user, line=line, expected_version=version)
            elif not line.pk:
                if line_form.has_changed():
                    data = {k: v for k, v in line_form.cleaned_data.items() if k in services.LINE_EDITABLE_FIELDS}
                    services.line_item_add(
                        actor=request.user,
                        case=case,
                        line_number=line_form.cleaned_data.get("line_number") or None,
                        **data,
                    )
            elif line_form.has_changed():
                changes = {
                    name: line_form.cleaned_data[name]
                    for name in line_form.changed_data
                    if name in services.LINE_EDITABLE_FIELDS
                }
                services.line_item_update(actor=request.user, line=line, expected_version=version, **changes)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/",
                self.admin_site.admin_view(require_POST(self.step_view)),
                name="cases_case_step",
            ),
            path(
                "<path:object_id>/lines/<int:line_pk>/decide/",
                self.admin_site.admin_view(require_POST(self.line_step_view)),
                name="cases_case_line_step",
            ),
            *super().get_urls(),
        ]

    def _change_url(self, case: Case) -> str:
        return reverse("admin:cases_case_change", args=[case.pk])

    @staticmethod
    def _expected_version(request) -> int | None:
        return ascii_int(request.POST.get("version", ""))

    @staticmethod
    def _step_response(url: str, request, action_done):
        try:
            message = action_done()
        except DomainError as refused:
            messages.error(request, refused.detail)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(url)

    def step_view(self, request, object_id):
        case = get_object_or_404(self.get_queryset(request), pk=object_id)
        action = request.POST.get("action", "")

        def do():
            moved = services.case_transition(
                actor=request.user,
                case=case,
                action=action,
                comment=request.POST.get("comment", ""),
                expected_version=self._expected_version(request),
            )
            return f"{moved.case_id} is now {moved.get_status_display().lower()}."

        return self._step_response(self._change_url(case), request, do)

    def line_step_view(self, request, object_id, line_pk):
        case = get_object_or_404(self.get_queryset(request), pk=object_id)
        line = get_object_or_404(case.lines.filter(removed_at__isnull=True), pk=line_pk)
        action = request.POST.get("action", "")

        def do():
            step = services.LINE_STEPS.get(action)
            if step is None:
                raise DomainError(f"'{action}' is not a line review step.")
            decided = step(
                actor=request.user,
                line=line,
                comment=request.POST.get("comment", ""),
                expected_version=self._expected_version(request),
            )
            return f"{decided} is now {decided.get_review_status_display().lower()}."

        return self._step_response(self._change_url(case), request, do)


@admin.register(LineItem)
class LineItemAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "category",
        "description",
        "quantity",
        "total_cost_display",
        "review_status",
        "updated_at",
    )
    list_filter = ("review_status", "category", "case__purchaser")
    search_fields = ("case__case_id", "description", "masl")
    list_select_related = ("case",)
    form = LineItemForm
    readonly_fields = ("total_cost_display", "review_status", "version", "created_by", "updated_by", "updated_at")

    def get_queryset(self, request):
        return selectors.line_item_queryset_for(request.user).select_related("case")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("case", *LineItemForm.Meta.fields, *self.readonly_fields)
        return ("case_link", *LineItemForm.Meta.fields, *self.readonly_fields, "read_version")

    def get_readonly_fields(self, request, obj=None):
        return ("case_link", *self.readonly_fields) if obj else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["fields"] = ("case", *LineItemForm.Meta.fields)
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "case":
            kwargs["queryset"] = selectors.case_queryset_for(request.user).filter(status__in=workflow.LINES_EDITABLE_IN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="case")
    def case_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_case_change", args=[obj.case_id]), obj.case.case_id
        )

    @admin.display(description="total cost")
    def total_cost_display(self, obj):
        return money(obj.total_cost) if obj and obj.pk else "—"

    @refusals_as_messages
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    @refusals_as_messages
    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        # The confirmation page carries no version: the removal is checked against the line as locked now.
        services.line_item_remove(actor=request.user, line=obj)

    def has_delete_permission(self, request, obj=None):
        # Bulk deletion would bypass the services; lines are removed one at a time.
        return obj is not None and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in services.LINE_EDITABLE_FIELDS}
        if change:
            version = form.cleaned_data.get("read_version")
            services.line_item_update(actor=request.user, line=obj, expected_version=version, **data)
        else:
            data = {k: v for k, v in form.cleaned_data.items() if k in services.LINE_EDITABLE_FIELDS}
            created = services.line_item_add(
                actor=request.user,
                case=form.cleaned_data["case"],
                line_number=form.cleaned_data.get("line_number") or None,
                **data,
            )
            obj.pk, obj._state.adding = created.pk, False


@admin.register(ApprovalEvent)
class ApprovalEventAdmin(admin.ModelAdmin):
    """The ledger, read-only: the database refuses changes anyway."""

    list_display = ("case", "seq", "occurred_at", "action", "line_item", "from_status", "to_status", "actor_name")
    list_filter = ("action", "case__purchaser")
    search_fields = ("case__case_id", "actor_name", "comment")
    list_select_related = ("case", "line_item__case")

    def get_queryset(self, request):
        return selectors.event_queryset_for(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ApprovalEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
