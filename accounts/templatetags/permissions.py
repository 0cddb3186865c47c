"""`{% may "app.perm" user as name %}`: a django-rules permission, and nothing else.

Unlike `perms.app.perm` or rules' own `has_perm` tag (both user.has_perm), a permission the
rules refuse is not looked up again in the database by Django's ModelBackend (two queries on
every page for each such check), and superusers get exactly what the predicates say."""

import rules
from django import template

register = template.Library()


@register.simple_tag
def may(perm: str, user, obj=None) -> bool:
    return rules.has_perm(perm, user, obj)
