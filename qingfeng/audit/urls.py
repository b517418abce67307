from django.urls import path

from qingfeng.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("unmask/<int:pk>/", views.unmask, name="unmask"),
]
