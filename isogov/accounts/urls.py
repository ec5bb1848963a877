from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/ma-xac-thuc/", views.login_second_step, name="login-code"),
    path("tai-khoan/xac-thuc-hai-yeu-to/", views.two_factor_setup, name="two-factor-setup"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", views.password_reset, name="password-reset"),
    path("quen-mat-khau/da-gui/", views.password_reset_sent, name="password-reset-sent"),
    path("quen-mat-khau/dat-lai/", views.password_reset_confirm, name="password-reset-confirm"),
    path("logout/everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("quan-tri/khoa-dang-nhap/", views.admin_lock_list, name="admin-locks"),
    path("quan-tri/khoa-dang-nhap/<int:pk>/mo/", views.admin_lock_clear, name="admin-lock-clear"),
    # Machine clients' API keys (system administrators, agency leaders for their agency).
    path("quan-tri/khoa-api/", views.admin_api_key_list, name="admin-api-keys"),
    path("quan-tri/khoa-api/tao/", views.admin_api_key_create, name="admin-api-key-create"),
    path(
        "quan-tri/khoa-api/<int:pk>/thu-hoi/",
        views.admin_api_key_revoke,
        name="admin-api-key-revoke",
    ),
    # In-app administration (quản trị hệ thống), for system administrators.
    path("quan-tri/", views.admin_home, name="admin-home"),
    path("quan-tri/nguoi-dung/", views.admin_user_list, name="admin-users"),
    path("quan-tri/nguoi-dung/them/", views.admin_user_create, name="admin-user-create"),
    path("quan-tri/nguoi-dung/<int:pk>/", views.admin_user_detail, name="admin-user"),
    path("quan-tri/nguoi-dung/<int:pk>/sua/", views.admin_user_edit, name="admin-user-edit"),
    path(
        "quan-tri/nguoi-dung/<int:pk>/kich-hoat/<int:active>/",
        views.admin_user_set_active,
        name="admin-user-active",
    ),
    path(
        "quan-tri/nguoi-dung/<int:pk>/mat-khau/",
        views.admin_user_password,
        name="admin-user-password",
    ),
    path("quan-tri/nguoi-dung/<int:pk>/vai-tro/", views.admin_role_grant, name="admin-role-grant"),
    path("quan-tri/vai-tro/<int:pk>/xoa/", views.admin_role_remove, name="admin-role-remove"),
    path("quan-tri/co-quan/", views.admin_agency_list, name="admin-agencies"),
    path("quan-tri/co-quan/them/", views.admin_agency_create, name="admin-agency-create"),
    path("quan-tri/co-quan/<int:pk>/", views.admin_agency_detail, name="admin-agency"),
    path("quan-tri/co-quan/<int:pk>/sua/", views.admin_agency_edit, name="admin-agency-edit"),
    path("quan-tri/co-quan/<int:pk>/don-vi/", views.admin_unit_create, name="admin-unit-create"),
    path(
        "quan-tri/co-quan/<int:pk>/tien-than/",
        views.admin_predecessor_add,
        name="admin-predecessor-add",
    ),
    path(
        "quan-tri/tien-than/<int:pk>/xoa/",
        views.admin_predecessor_remove,
        name="admin-predecessor-remove",
    ),
    path("quan-tri/don-vi/<int:pk>/", views.admin_unit_detail, name="admin-unit"),
    path(
        "quan-tri/don-vi/<int:pk>/kich-hoat/<int:active>/",
        views.admin_unit_set_active,
        name="admin-unit-active",
    ),
]
