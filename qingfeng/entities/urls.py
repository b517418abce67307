from django.urls import path

from qingfeng.entities import views

app_name = "entities"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("new/", views.entity_create, name="create"),
    path("<str:credit_code>/", views.entity_detail, name="detail"),
    path("<str:credit_code>/coverage/", views.entity_coverage, name="coverage"),
    path("<str:credit_code>/deregister/", views.entity_deregister, name="deregister"),
]
