"""portal_skeleton(text) on PostgreSQL: portal.lookup.skeleton() in SQL.

Frozen output of portal.lookup.skeleton_sql() when the rules were written; SQLite gets the
Python function on each connection instead. tests/portal/test_lookup.py checks that both give
the same skeletons. A change of the rules needs a new migration with the new SQL.
"""

from django.db import migrations

from portal.migration_ops import RunSQLOn

SKELETON_SQL = "CREATE OR REPLACE FUNCTION portal_skeleton(value text) RETURNS text\nLANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE\nRETURN trim(regexp_replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(regexp_replace(replace(replace(replace(replace(replace(replace(replace(lower(normalize(value, NFD)), 'й', 'y'), 'ş', 'sh'), 'ç', 'ch'), 'ğ', 'gh'), 'š', 'sh'), 'č', 'ch'), 'ž', 'zh'), '[̀-ͯ]', '', 'g'), 'а', 'a'), 'б', 'b'), 'в', 'v'), 'г', 'g'), 'д', 'd'), 'е', 'e'), 'з', 'z'), 'и', 'i'), 'к', 'k'), 'л', 'l'), 'м', 'm'), 'н', 'n'), 'о', 'o'), 'п', 'p'), 'р', 'r'), 'с', 's'), 'т', 't'), 'у', 'u'), 'ф', 'f'), 'ы', 'i'), 'э', 'e'), 'ж', 'zh'), 'х', 'kh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'щ', 'shch'), 'ю', 'yu'), 'я', 'ya'), 'ъ', ''), 'ь', ''), 'ә', 'a'), 'ғ', 'gh'), 'ҹ', 'c'), 'һ', 'h'), 'ј', 'y'), 'ө', 'o'), 'ү', 'u'), 'ҝ', 'g'), 'қ', 'k'), 'і', 'i'), 'є', 'e'), 'ґ', 'g'), 'ə', 'a'), 'ı', 'i'), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'ø', 'o'), 'ł', 'l'), 'đ', 'd'), 'ð', 'd'), 'þ', 'th'), '''', ''), '’', ''), '‘', ''), 'ʼ', ''), 'ʻ', ''), '`', ''), '´', ''), 'shch', 'š'), 'sch', 'š'), 'sh', 'š'), 'ch', 'č'), 'zh', 'j'), 'dj', 'j'), 'ck', 'k'), 'kh', 'h'), 'ks', 'h'), 'ph', 'f'), 'th', 't'), 'c', 'j'), 'x', 'h'), 'g', 'h'), 'q', 'h'), 'w', 'v'), 'y', ''), 'e', 'a'), 'ai', 'a'), 'oi', 'o'), 'ui', 'u'), 'aa', 'a'), 'bb', 'b'), 'dd', 'd'), 'ff', 'f'), 'hh', 'h'), 'ii', 'i'), 'jj', 'j'), 'kk', 'k'), 'll', 'l'), 'mm', 'm'), 'nn', 'n'), 'oo', 'o'), 'pp', 'p'), 'rr', 'r'), 'ss', 's'), 'tt', 't'), 'uu', 'u'), 'vv', 'v'), 'zz', 'z'), 'šš', 'š'), 'čč', 'č'), '[^[:alnum:]]+', ' ', 'g'));"


class Migration(migrations.Migration):
    dependencies = [("portal", "0006_content_in_three_languages")]

    operations = [
        RunSQLOn(
            "postgresql",
            SKELETON_SQL,
            reverse_sql="DROP FUNCTION IF EXISTS portal_skeleton(text);",
        ),
    ]
