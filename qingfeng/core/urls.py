from django.urls import path

from qingfeng.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/start/<slug:kind>/", views.job_start, name="job_start"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
]
