from django.contrib import admin

from qingfeng.activities.models import Activity, ActivityType, Attendance, Lecturer, LectureTeam, Requirement
from qingfeng.core import changes
from qingfeng.core.admin import ScopedAdmin


class AttendanceInline(admin.TabularInline):
    model = Attendance
    raw_id_fields = ["person"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ["code", "date", "type", "topic", "org"]
    list_filter = ["type", "channel"]
    search_fields = ["code", "topic"]
    raw_id_fields = ["org", "lecture_team"]
    readonly_fields = ["entered_via", "created_by"]
    inlines = [AttendanceInline]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not request.user.sees_discipline:
            qs = qs.exclude(type__is_restricted=True)
        return qs

    def save_model(self, request, obj, form, change):
        obj._facts_org_before = Activity.objects.filter(pk=obj.pk).values_list("org_id", flat=True).first() if change else None
        # an attendance row's person can be changed here: the one replaced has lost an attended activity
        obj._facts_attendees_before = set(Attendance.objects.filter(activity_id=obj.pk).values_list(
            "person_id", flat=True)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """An edit here bypasses activities.actions: refresh the facts it may change — the activity's
        organization (before and after) and its attendees' own (members.lapsed)."""
        super().save_related(request, form, formsets, change)
        activity = form.instance
        attendees = set(activity.attendance.values_list("person_id", flat=True))
        changes.record(orgs=[activity.org_id, getattr(activity, "_facts_org_before", None)], days=[activity.date],
                       people=attendees | getattr(activity, "_facts_attendees_before", set()))


class LecturerInline(admin.TabularInline):
    model = Lecturer
    raw_id_fields = ["person"]
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LectureTeam)
class LectureTeamAdmin(ScopedAdmin):
    list_display = ["code", "name", "org", "established_on", "dissolved_on"]
    search_fields = ["code", "name"]
    raw_id_fields = ["org"]
    inlines = [LecturerInline]


class PlatformDataAdmin(admin.ModelAdmin):
    """Activity types and requirements are the deployment's data: platform administrators change them."""

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_platform_admin

    has_add_permission = lambda self, request: request.user.is_active and request.user.is_platform_admin  # noqa: E731

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityType)
class ActivityTypeAdmin(PlatformDataAdmin):
    list_display = ["name", "role", "is_supervision", "needs_audience", "is_restricted", "sort"]


@admin.register(Requirement)
class RequirementAdmin(PlatformDataAdmin):
    list_display = ["activity_type", "cadence", "min_full_members", "is_active"]
