"""Discipline records in the admin: only for discipline roles, scoped, never deleted."""

from django.contrib import admin

from qingfeng.core.admin import ScopedAdmin
from qingfeng.discipline.models import Case, Disposition, Recommendation


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    restricted = True
    list_display = ("code", "person", "org", "filed_on", "self_surrender", "closed_on")
    list_filter = ("self_surrender", "cadre_level")
    search_fields = ("code", "person__name")
    raw_id_fields = ("person", "org")
    date_hierarchy = "filed_on"


@admin.register(Disposition)
class DispositionAdmin(ScopedAdmin):
    restricted = True
    list_display = ("person", "decided_on", "form", "measure", "org", "case")
    list_filter = ("form",)
    search_fields = ("person__name", "case__code")
    raw_id_fields = ("person", "org", "case")


@admin.register(Recommendation)
class RecommendationAdmin(ScopedAdmin):
    restricted = True
    list_display = ("code", "org", "issued_on", "recipient", "replied_on")
    search_fields = ("code", "recipient")
    raw_id_fields = ("org",)
