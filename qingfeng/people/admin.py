"""People and their history in the Django admin, scoped through the current organization.

A member's organization changes only through the transfer page (people.actions.transfer_member), so the
history stays whole; relation and cadre-level rows are history and read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from qingfeng.core import changes
from qingfeng.core.admin import M, ScopedAdmin
from qingfeng.core.http import signed_in
from qingfeng.core.models import Source
from qingfeng.orgs.admin import ScopedChoicesMixin
from qingfeng.people.actions import person_problem, register_person
from qingfeng.people.models import CadreLevelRecord, Person, Relation


class RelationInline(admin.TabularInline[Relation, Person]):
    model = Relation
    fk_name = "person"
    fields = ("org", "start_on", "end_on", "via", "from_org", "end_reason", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ("name", "id_number", "gender", "birth_date", "ethnicity", "education", "phone", "post", "category",
                  "admitted_on", "full_on", "admitting_org", "org", "cadre_level")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            candidate = Person(**{k: v for k, v in data.items() if k in self.Meta.fields})
            problem = person_problem(candidate)
            if problem:
                raise forms.ValidationError(problem)
        return data


@admin.register(Person)
class PersonAdmin(ScopedChoicesMixin[Person], ScopedAdmin[Person]):
    form = PersonForm
    list_display = ("name", "masked_id", "gender", "category", "admitted_on", "org", "cadre_level")
    list_filter = ("category", "cadre_level", "gender", "education")
    search_fields = ("name", "^id_number")
    autocomplete_fields = ("org", "admitting_org")
    list_select_related = ("org",)
    inlines = (RelationInline,)

    @admin.display(description=Person._meta.get_field("id_number").verbose_name)
    def masked_id(self, obj: Person) -> str:
        return obj.masked_id

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> tuple[str, ...]:
        # Once a person exists, their organization moves only by a transfer, which keeps history.
        return ("org", "created_at", "updated_at") if obj else ("created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Person, form: forms.ModelForm[Person], change: bool) -> None:
        if change:
            obj.save()
            if {"admitted_on", "full_on", "category", "cadre_level"} & set(form.changed_data):
                # membership counts ("mem"), dues ("paid") and lapses ("lapse") follow these dates
                changes.record(people=[obj.pk])
        else:
            register_person(obj, user=signed_in(request), channel=Source.PAGE)


class HistoryAdmin(ScopedAdmin[M]):
    """Append-only history: readable in scope, written only by actions."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


@admin.register(Relation)
class RelationAdmin(HistoryAdmin[Relation]):
    list_display = ("person", "org", "start_on", "end_on", "via", "end_reason")
    list_filter = ("via", "end_reason")
    search_fields = ("person__name", "^org__code")
    list_select_related = ("person", "org")
    date_hierarchy = "start_on"


@admin.register(CadreLevelRecord)
class CadreLevelRecordAdmin(HistoryAdmin[CadreLevelRecord]):
    org_field = "person__org"
    list_display = ("person", "level", "since")
    list_filter = ("level",)
    search_fields = ("person__name",)
    list_select_related = ("person",)
