from django.urls import path

from qingfeng.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("warnings/", views.warnings_panel, name="warnings"),
    path("assessment/", views.definition, name="definition"),
    path("assessment/edit/", views.edit_definition, name="edit_definition"),
    path("assessment/<str:code>/", views.assessment_org, name="assessment_org"),
]
