"""The organization tree and elections in the Django admin, scoped like the pages."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from qingfeng.accounts.access import visible_orgs
from qingfeng.core.admin import ScopedAdmin
from qingfeng.orgs.actions import check_parent, record_election, save_organization
from qingfeng.orgs.models import Election, Organization, VillageTag


class ScopedChoicesMixin:
    """Foreign keys to Organization offer only the user's subtree, so a crafted POST cannot reach beyond it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization:
            kwargs["queryset"] = visible_orgs(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ("code", "name", "parent", "kind", "sector", "level", "division_code", "established_on",
                  "dissolved_on", "term_started_on", "term_years")

    def clean(self):
        data = super().clean()
        candidate = Organization(pk=self.instance.pk, parent=data.get("parent"))
        if self.instance.pk:
            try:
                check_parent(candidate, self.instance.path)
            except ValidationError as exc:
                self.add_error("parent", exc)
        return data


@admin.register(Organization)
class OrganizationAdmin(ScopedChoicesMixin, ScopedAdmin):
    org_field = ""
    form = OrganizationForm
    list_display = ("code", "name", "kind", "sector", "level", "parent", "established_on", "dissolved_on")
    list_filter = ("kind", "sector", "level")
    search_fields = ("^code", "name")
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)

    def save_model(self, request, obj, form, change):
        # Paths are computed by the action, and a move rewrites the subtree; the indicator facts follow.
        with transaction.atomic():
            save_organization(obj)


@admin.register(Election)
class ElectionAdmin(ScopedChoicesMixin, ScopedAdmin):
    list_display = ("org", "held_on", "term_years", "term_ends_on")
    list_filter = ("term_years",)
    search_fields = ("^org__code", "org__name")
    autocomplete_fields = ("org",)
    list_select_related = ("org",)
    date_hierarchy = "held_on"

    def has_change_permission(self, request, obj=None):
        # An election is history; a new one is added, which updates the organization's current term.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            saved = record_election(obj.org, obj.held_on, obj.term_years)
        obj.pk = saved.pk


@admin.register(VillageTag)
class VillageTagAdmin(ScopedChoicesMixin, ScopedAdmin):
    list_display = ("org", "tag")
    list_filter = ("tag",)
    search_fields = ("^org__code", "org__name")
    raw_id_fields = ("org",)

    def save_model(self, request, obj, form, change):
        # The facts filtered by village_tag follow the organization's tags.
        from qingfeng.core import changes

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes.record(orgs=[obj.org_id])
