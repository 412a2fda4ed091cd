"""``{% localcache "name" value … %}…{% endlocalcache %}``: the enclosed template rendered once
per worker, language, content generation and set of values (portal.fragments).

``{% localcache "name" value … seconds=60 %}`` is for the one large piece of an object's page
(an article's body, an agreement's measures): kept at most that many seconds (what no save
announces, such as the date, may change it), in a store of its own so that these pieces
cannot push the header and footer out."""

from django import template
from django.template.loader_tags import BlockNode
from django.utils.translation import get_language

from portal.fragments import MAX_KEY_LENGTH, fragments, page_bodies
from portal.pagecache import generation

register = template.Library()


class LocalCacheNode(template.Node):
    def __init__(self, nodelist, name, values, seconds=None):
        self.nodelist = nodelist
        # Django's {% extends %} looks for the base template's blocks at every render by
        # walking all of its nodes (Node.get_nodes_by_type): the header's and the footer's
        # nodes need not be walked when they hold no block, as they never do in base.html.
        if not nodelist.get_nodes_by_type(BlockNode):
            self.child_nodelists = ()
        self.name = name
        self.values = values
        self.seconds = seconds
        self.store = fragments if seconds is None else page_bodies

    def render(self, context):
        values = tuple(str(value.resolve(context)) for value in self.values)
        if sum(map(len, values)) > MAX_KEY_LENGTH:
            return self.nodelist.render(context)
        key = (self.name.resolve(context), get_language(), generation(), *values)
        html = self.store.get(key)
        if html is None:
            html = self.nodelist.render(context)
            self.store.set(key, html, self.seconds)
        return html  # the SafeString the template rendered, kept as it is


@register.tag
def localcache(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% localcache %} needs a fragment name.")
    seconds = None
    if bits[-1].startswith("seconds="):
        try:
            seconds = int(bits.pop()[len("seconds=") :])
        except ValueError:
            message = "{% localcache %}: seconds= takes a number."
            raise template.TemplateSyntaxError(message) from None
    nodelist = parser.parse(("endlocalcache",))
    parser.delete_first_token()
    return LocalCacheNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(b) for b in bits[2:]],
        seconds,
    )
