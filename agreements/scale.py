"""Scale data for the benchmark: agreements with measures and progress reports (bulk inserts).

Called by ``python manage.py load_scale_data`` with its options; returns name -> rows created.
"""

import datetime
import random

from django.utils import timezone

from portal.models import Sector
from portal.scale import BATCH, sentences

from .models import Agreement, Measure, Party, ProgressReport

KINDS = [kind for kind in Agreement.Kind.values if kind != Agreement.Kind.ACTION_PROGRAMME]
STATUSES = [
    Agreement.Status.IN_FORCE, Agreement.Status.IN_FORCE, Agreement.Status.SIGNED,
    Agreement.Status.COMPLETED, Agreement.Status.EXPIRED, Agreement.Status.DRAFT,
]  # fmt: skip
SUBJECTS = [
    ("trade", "торговле", "ticarət"), ("shipping", "судоходству", "gəmiçilik"),
    ("agriculture", "сельскому хозяйству", "kənd təsərrüfatı"),
    ("tourism", "туризму", "turizm"), ("investment", "инвестициям", "investisiya"),
    ("culture", "культуре", "mədəniyyət"), ("education", "образованию", "təhsil"),
]  # fmt: skip
MEASURE_VERBS = [
    "Hold a forum on", "Open a joint office for", "Prepare a road map for",
    "Exchange delegations on", "Set up a working group on", "Publish a catalogue of",
    "Train specialists in",
]  # fmt: skip


def load(*, options: dict) -> dict[str, int]:
    rng = random.Random(options.get("seed", 1))
    agreements = load_agreements(rng, count=options.get("agreements", 200))
    measures = load_measures(rng, agreements, count=options.get("measures", 5_000))
    reports = load_reports(rng, measures, count=options.get("reports", 20_000))
    return {"agreements": len(agreements), "measures": len(measures), "progress reports": reports}


def load_agreements(rng: random.Random, *, count: int) -> list[Agreement]:
    parties = list(Party.objects.all())
    sectors = list(Sector.objects.all())
    start = Agreement.objects.count()
    today = timezone.localdate()
    rows = []
    for i in range(count):
        n = start + i
        en, ru, az = rng.choice(SUBJECTS)
        signed = today - datetime.timedelta(days=rng.randint(30, 8 * 365))
        rows.append(
            Agreement(
                title=f"Memorandum No. {n} on cooperation in {en}",
                title_ru=f"Меморандум № {n} о сотрудничестве по {ru}",
                title_az=f"{az} sahəsində əməkdaşlıq haqqında {n} nömrəli memorandum",
                slug=f"scale-agreement-{n}",
                kind=rng.choice(KINDS),
                reference_number=f"SC-{n:05d}",
                signed_on=signed,
                signed_at=rng.choice(["Baku", "Astrakhan", "Moscow", "Sumgait"]),
                valid_from=signed,
                status=rng.choice(STATUSES),
                summary=" ".join(rng.sample(sentences(), k=3)),
            )
        )
    created = Agreement.objects.bulk_create(rows, batch_size=BATCH)
    through_parties = Agreement.parties.through
    through_sectors = Agreement.sectors.through
    through_parties.objects.bulk_create(
        [
            through_parties(agreement_id=agreement.pk, party_id=party.pk)
            for agreement in created
            for party in rng.sample(parties, k=min(2, len(parties)))
        ],
        batch_size=BATCH,
    )
    through_sectors.objects.bulk_create(
        [
            through_sectors(agreement_id=agreement.pk, sector_id=sector.pk)
            for agreement in created
            for sector in rng.sample(sectors, k=min(rng.randint(1, 3), len(sectors)))
        ],
        batch_size=BATCH,
    )
    return created


def load_measures(rng: random.Random, agreements: list[Agreement], *, count: int) -> list[Measure]:
    if not agreements:
        return []
    sectors = list(Sector.objects.all())
    pool = sentences()
    statuses = Measure.Status.values
    rows = []
    for i in range(count):
        agreement = agreements[i % len(agreements)]
        topic = rng.choice(SUBJECTS)[0]
        status = rng.choice(statuses)
        rows.append(
            Measure(
                agreement=agreement,
                number=f"{i // len(agreements) + 1}.{i % 7 + 1}",
                title=f"{rng.choice(MEASURE_VERBS)} {topic}",
                title_ru=f"Мероприятие по {rng.choice(SUBJECTS)[1]}",
                description=rng.choice(pool),
                sector=rng.choice(sectors) if sectors else None,
                due_on=agreement.signed_on + datetime.timedelta(days=rng.randint(30, 900)),
                status=status,
                progress=100 if status == Measure.Status.DONE else rng.randint(0, 90),
                weight=rng.randint(1, 3),
            )
        )
    return Measure.objects.bulk_create(rows, batch_size=BATCH)


def load_reports(rng: random.Random, measures: list[Measure], *, count: int) -> int:
    if not measures:
        return 0
    pool = sentences()
    today = timezone.localdate()
    created = 0
    while created < count:
        rows = []
        for i in range(min(BATCH, count - created)):
            measure = measures[(created + i) % len(measures)]
            reported = min(measure.due_on, today) - datetime.timedelta(days=rng.randint(0, 400))
            rows.append(
                ProgressReport(
                    measure=measure,
                    reported_on=reported,
                    text=rng.choice(pool),
                    progress=rng.randint(0, 100) if rng.random() < 0.5 else None,
                )
            )
        ProgressReport.objects.bulk_create(rows)
        created += len(rows)
    return created
