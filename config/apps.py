"""Application configurations of third-party apps whose names the admin shows."""

from axes.apps import AppConfig as BaseAxesConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(BaseAxesConfig):
    # django-axes names itself "Axes" in the admin's sidebar, in every language.
    verbose_name = _("登录保护")
