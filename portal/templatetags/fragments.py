"""``{% localcache "name" value … %}…{% endlocalcache %}``: the enclosed template rendered once
per worker, language, content generation and set of values (portal.fragments)."""

from django import template
from django.utils.translation import get_language

from portal.fragments import MAX_KEY_LENGTH, fragments
from portal.pagecache import generation

register = template.Library()


class LocalCacheNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        values = tuple(str(value.resolve(context)) for value in self.values)
        if sum(map(len, values)) > MAX_KEY_LENGTH:
            return self.nodelist.render(context)
        key = (self.name.resolve(context), get_language(), generation(), *values)
        html = fragments.get(key)
        if html is None:
            html = self.nodelist.render(context)
            fragments.set(key, html)
        return html  # the SafeString the template rendered, kept as it is


@register.tag
def localcache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% localcache %} needs a fragment name.")
    nodelist = parser.parse(("endlocalcache",))
    parser.delete_first_token()
    return LocalCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
