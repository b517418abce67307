from django.urls import path

from qingfeng.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/mapping/", views.mapping_page, name="mapping"),
    path("<int:pk>/run/", views.run, name="run"),
    path("<int:pk>/result/", views.result, name="result"),
    path("templates/all.xlsx", views.template_all, name="template_all"),
    path("templates/<str:sheet>.xlsx", views.template, name="template"),
]
