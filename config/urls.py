from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from reports.urls import open_data_urls
from reports.views import portal

admin.site.site_header = _("部门整体支出绩效自评 · 管理后台")
admin.site.site_title = _("绩效自评管理后台")
admin.site.index_title = _("数据管理")

urlpatterns = [
    # The public portal: published reports only, no sign-in.
    path("", portal.portal, name="portal"),
    path("portal/units.json", portal.portal_units, name="portal_units"),
    path("reports/<int:pk>/", portal.publication_detail, name="publication_detail"),
    path("reports/<int:pk>/pdf/", portal.publication_pdf, name="publication_pdf"),
    path("open-data/", include(open_data_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("app/", include("reports.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page links to; send them to the icon instead of a 404.
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True), name="favicon"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
