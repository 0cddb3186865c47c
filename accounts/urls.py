from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import audit_views, twofactor, views
from .forms import LoginForm

urlpatterns = [
    path(
        "login/",
        twofactor.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("login/code/", twofactor.login_totp, name="login_totp"),
    path("two-factor/", twofactor.twofactor_settings, name="twofactor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("register/", views.register, name="register"),
    path("register/enterprise/", views.register_enterprise, name="register_enterprise"),
    path("register/expert/", views.register_expert, name="register_expert"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/unlock/", audit_views.audit_unlock, name="audit_unlock"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
]

# Spreadsheet import and export, mounted at /data/ with the namespace "data".
data_urlpatterns = [
    path("import/<str:kind>/", views.data_import, name="import"),
    path("import/<str:kind>/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/confirm/", views.import_job_confirm_view, name="import_confirm"),
    path("export/<str:kind>/", views.data_export, name="export"),
]
