from django import template

from accounts.privacy import mask_email, mask_mobile

register = template.Library()
register.filter("mask_mobile", mask_mobile)
register.filter("mask_email", mask_email)
