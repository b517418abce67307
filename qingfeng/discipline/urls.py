from django.urls import path

from qingfeng.discipline import views

app_name = "discipline"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<str:code>/", views.case_detail, name="case"),
    path("cases/<str:code>/close/", views.case_close, name="case_close"),
    path("dispositions/", views.dispositions, name="dispositions"),
    path("dispositions/new/", views.disposition_create, name="disposition_create"),
    path("dispositions/<int:pk>/", views.disposition_detail, name="disposition"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/new/", views.recommendation_create, name="recommendation_create"),
    path("recommendations/<str:code>/", views.recommendation_detail, name="recommendation"),
    path("recommendations/<str:code>/reply/", views.recommendation_reply, name="recommendation_reply"),
]
