from django.urls import path

from qingfeng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_otp, name="login_otp"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("me/", views.profile, name="profile"),
    path("me/totp/", views.totp, name="totp"),
    path("me/password/", views.password_change, name="password_change"),
]
