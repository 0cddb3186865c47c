from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DefaultLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language in the footer.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official whose
    browser happens to be set to English would get an English platform; here only the explicit
    choice (the language cookie set by /i18n/setlang/) counts.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the Django admin's allowance (settings.CONTENT_SECURITY_POLICY
    is the policy everywhere else).

    Django 5.2's admin has no inline script, but its change lists carry a <style> block when a
    model has no actions, and its jQuery plugins (select2 for autocomplete fields) build
    elements from HTML with style attributes; django-import-export's export form has an
    onchange= handler. So under /admin/ only: inline styles, and that one handler by its hash
    (scripts stay our own files otherwise). The admin is for the few platform administrators."""

    ADMIN_PREFIX = "/admin/"
    ADMIN_UPDATE = {
        "style-src": ["'unsafe-inline'"],
        # sha256 of `onSelectToggleChange(event)` (import_export/export.html)
        "script-src": ["'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
    }

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(self.ADMIN_PREFIX) and parts.update is None:
            parts.update = self.ADMIN_UPDATE
        return parts
