"""The organization tree and elections in the Django admin, scoped like the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest

from qingfeng.accounts.access import visible_orgs
from qingfeng.core.admin import M, ScopedAdmin
from qingfeng.core.http import signed_in
from qingfeng.orgs.actions import check_parent, record_election, save_organization
from qingfeng.orgs.models import Election, Organization, VillageTag


class ScopedChoicesMixin(admin.ModelAdmin[M]):
    """Foreign keys to Organization offer only the user's subtree, so a crafted POST cannot reach beyond it."""

    def formfield_for_foreignkey(self, db_field: models.ForeignKey[Any, Any], request: HttpRequest,
                                 **kwargs: Any) -> forms.ModelChoiceField[Any] | None:
        if db_field.related_model is Organization:
            kwargs["queryset"] = visible_orgs(signed_in(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganizationForm(forms.ModelForm[Organization]):
    class Meta:
        model = Organization
        fields = ("code", "name", "parent", "kind", "sector", "level", "division_code", "established_on",
                  "dissolved_on", "term_started_on", "term_years")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        candidate = Organization(pk=self.instance.pk, parent=data.get("parent"))
        if self.instance.pk:
            try:
                check_parent(candidate, self.instance.path)
            except ValidationError as exc:
                self.add_error("parent", exc)
        return data


@admin.register(Organization)
class OrganizationAdmin(ScopedChoicesMixin[Organization], ScopedAdmin[Organization]):
    org_field = ""
    form = OrganizationForm
    list_display = ("code", "name", "kind", "sector", "level", "parent", "established_on", "dissolved_on")
    list_filter = ("kind", "sector", "level")
    search_fields = ("^code", "name")
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)

    def save_model(self, request: HttpRequest, obj: Organization, form: forms.ModelForm[Organization],
                   change: bool) -> None:
        # Paths are computed by the action, and a move rewrites the subtree; the indicator facts follow.
        with transaction.atomic():
            save_organization(obj)


@admin.register(Election)
class ElectionAdmin(ScopedChoicesMixin[Election], ScopedAdmin[Election]):
    list_display = ("org", "held_on", "term_years", "term_ends_on")
    list_filter = ("term_years",)
    search_fields = ("^org__code", "org__name")
    autocomplete_fields = ("org",)
    list_select_related = ("org",)
    date_hierarchy = "held_on"

    def has_change_permission(self, request: HttpRequest, obj: Election | None = None) -> bool:
        # An election is history; a new one is added, which updates the organization's current term.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Election, form: forms.ModelForm[Election], change: bool) -> None:
        with transaction.atomic():
            saved = record_election(obj.org, obj.held_on, obj.term_years)
        obj.pk = saved.pk


@admin.register(VillageTag)
class VillageTagAdmin(ScopedChoicesMixin[VillageTag], ScopedAdmin[VillageTag]):
    list_display = ("org", "tag")
    list_filter = ("tag",)
    search_fields = ("^org__code", "org__name")
    raw_id_fields = ("org",)

    def save_model(self, request: HttpRequest, obj: VillageTag, form: forms.ModelForm[VillageTag],
                   change: bool) -> None:
        # The facts filtered by village_tag follow the organization's tags.
        from qingfeng.core import changes

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes.record(orgs=[obj.org_id])
